"""The published JSON Schema of the response interchange format (``interchange.schema.json``).

``centric export --format json`` writes documents that validate against it (a test checks this
with ``jsonschema``); ``centric import`` reads them. The schema ships in the wheel next to this
module. Version 1 is frozen: an incompatible change gets a new ``format_version`` and ``$id``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["SCHEMA_PATH", "interchange_schema"]

SCHEMA_PATH = Path(__file__).with_name("interchange.schema.json")


@cache
def interchange_schema() -> dict[str, Any]:
    """The interchange JSON Schema (draft 2020-12) as a dict."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema
