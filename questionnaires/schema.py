"""The JSON Schema of the instrument file format, generated from the model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from questionnaires.catalogue import questionnaires_dir
from questionnaires.model import Instrument

__all__ = ["instrument_schema", "instrument_schema_text", "schema_path"]


def instrument_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the instrument file format, generated from the model.

    The shipped copy is ``questionnaires/schema/instrument.schema.json``; a test keeps it equal to
    :func:`instrument_schema_text`.

    Returns
    -------
    dict of str to Any
        The schema, with ``$schema`` and ``$id`` set.
    """
    schema = Instrument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://centric.example/schemas/instrument.json"
    return schema


def instrument_schema_text() -> str:
    """:func:`instrument_schema` serialised the way it is shipped (2-space indent, newline at end).

    Returns
    -------
    str
        The schema as JSON text.
    """
    return json.dumps(instrument_schema(), indent=2, ensure_ascii=False) + "\n"


def schema_path() -> Path:
    """Where the generated JSON Schema is shipped.

    Returns
    -------
    pathlib.Path
        ``questionnaires/schema/instrument.schema.json``.
    """
    return questionnaires_dir() / "schema" / "instrument.schema.json"
