"""Shared test fixtures. Keep this file small and general; put feature fixtures in the test module.

- ``mini_instrument``: the tiny instrument at ``tests/fixtures/mini/1.0.0.yaml``.
- ``instrument``: the shipped default instrument ``customer-centricity@1.0.0``.
- ``fixtures_dir``: ``tests/fixtures``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def mini_instrument():
    """The minimal test instrument (3 capabilities, 6 items, one scale of 5 options)."""
    from assessment.model import load_instrument

    return load_instrument(FIXTURES / "mini" / "1.0.0.yaml")


@pytest.fixture(scope="session")
def instrument():
    """The shipped default instrument, customer-centricity 1.0.0."""
    from assessment.model import get_instrument

    return get_instrument("customer-centricity@1.0.0")
