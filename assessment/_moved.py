"""Old module paths kept for one release (issue 9 moved them to :mod:`questionnaires`).

Each shim module sets ``__getattr__ = forwarder(...)``: a name resolves to the very object at its new
home (``except assessment.errors.ReportError`` still catches ``questionnaires.errors.ReportError``)
and a :class:`DeprecationWarning` names the module to import it from.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any


def forwarder(
    old: str, homes: Sequence[str], elsewhere: Mapping[str, str] | None = None
) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``old``: look ``name`` up in ``elsewhere[name]``, then ``homes``.

    Public names (a home's ``__all__``) are found first, then any other module-level name.
    """
    elsewhere = dict(elsewhere or {})

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(f"module {old!r} has no attribute {name!r}")
        order = [elsewhere[name]] if name in elsewhere else list(homes)
        modules = [importlib.import_module(home) for home in order]
        found = next((m for m in modules if name in getattr(m, "__all__", ())), None)
        found = found or next((m for m in modules if name in vars(m)), None)
        if found is None:
            raise AttributeError(f"module {old!r} has no attribute {name!r}")
        warnings.warn(
            f"{old}.{name} moved to {found.__name__}; import it from there "
            f"({old} goes away in the next release)",
            DeprecationWarning,
            stacklevel=2,
        )
        return vars(found)[name]

    return __getattr__
