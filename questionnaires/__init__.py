"""Floor 1 of centric: what is asked and what was answered.

Submodules: :mod:`~questionnaires.errors` (the ``CentricError`` tree and ``Problem``),
:mod:`~questionnaires.model` (the instrument model and its checks), :mod:`~questionnaires.loader`
(YAML with line numbers), :mod:`~questionnaires.catalogue` (the shipped instruments),
:mod:`~questionnaires.lock` (published hashes), :mod:`~questionnaires.schema` (JSON Schema),
:mod:`~questionnaires.diff` (version differences) and :mod:`~questionnaires.answers` (response types
and record validation). This package imports no other package of the project.

The versioned instruments live here as data, ``<instrument-id>/<semver>.yaml``; ``lock.json``
records the content hash of every published version. The names below are imported on first use, so
``import questionnaires.errors`` stays cheap (no pydantic).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from questionnaires.answers import (
        Comment as Comment,
    )
    from questionnaires.answers import (
        Respondent as Respondent,
    )
    from questionnaires.answers import (
        ResponseRecord as ResponseRecord,
    )
    from questionnaires.answers import (
        ResponseSet as ResponseSet,
    )
    from questionnaires.answers import (
        WaveInfo as WaveInfo,
    )
    from questionnaires.answers import (
        choose_instrument as choose_instrument,
    )
    from questionnaires.answers import (
        records_to_response_set as records_to_response_set,
    )
    from questionnaires.catalogue import (
        DEFAULT_INSTRUMENT as DEFAULT_INSTRUMENT,
    )
    from questionnaires.catalogue import (
        get_instrument as get_instrument,
    )
    from questionnaires.catalogue import (
        list_instruments as list_instruments,
    )
    from questionnaires.catalogue import (
        parse_ref as parse_ref,
    )
    from questionnaires.catalogue import (
        questionnaires_dir as questionnaires_dir,
    )
    from questionnaires.diff import (
        InstrumentDiff as InstrumentDiff,
    )
    from questionnaires.diff import (
        diff_instruments as diff_instruments,
    )
    from questionnaires.errors import (
        CentricError as CentricError,
    )
    from questionnaires.errors import (
        LockError as LockError,
    )
    from questionnaires.errors import (
        OutputError as OutputError,
    )
    from questionnaires.errors import (
        Problem as Problem,
    )
    from questionnaires.errors import (
        QuestionnaireError as QuestionnaireError,
    )
    from questionnaires.errors import (
        ReportError as ReportError,
    )
    from questionnaires.errors import (
        ResponseError as ResponseError,
    )
    from questionnaires.errors import (
        ScoringError as ScoringError,
    )
    from questionnaires.errors import (
        StoreError as StoreError,
    )
    from questionnaires.loader import (
        instrument_from_data as instrument_from_data,
    )
    from questionnaires.loader import (
        load_instrument as load_instrument,
    )
    from questionnaires.lock import (
        check_lock as check_lock,
    )
    from questionnaires.lock import (
        content_hash as content_hash,
    )
    from questionnaires.lock import (
        lock_additions as lock_additions,
    )
    from questionnaires.lock import (
        lock_status as lock_status,
    )
    from questionnaires.lock import (
        lock_text as lock_text,
    )
    from questionnaires.lock import (
        read_lock as read_lock,
    )
    from questionnaires.model import (
        Action as Action,
    )
    from questionnaires.model import (
        Capability as Capability,
    )
    from questionnaires.model import (
        Instrument as Instrument,
    )
    from questionnaires.model import (
        Item as Item,
    )
    from questionnaires.model import (
        ItemChange as ItemChange,
    )
    from questionnaires.model import (
        Kpi as Kpi,
    )
    from questionnaires.model import (
        Scale as Scale,
    )
    from questionnaires.schema import (
        instrument_schema as instrument_schema,
    )
    from questionnaires.schema import (
        instrument_schema_text as instrument_schema_text,
    )

_WHERE = {
    "CentricError": "questionnaires.errors",
    "LockError": "questionnaires.errors",
    "OutputError": "questionnaires.errors",
    "Problem": "questionnaires.errors",
    "QuestionnaireError": "questionnaires.errors",
    "ReportError": "questionnaires.errors",
    "ResponseError": "questionnaires.errors",
    "ScoringError": "questionnaires.errors",
    "StoreError": "questionnaires.errors",
    "Action": "questionnaires.model",
    "Capability": "questionnaires.model",
    "Instrument": "questionnaires.model",
    "Item": "questionnaires.model",
    "Kpi": "questionnaires.model",
    "ItemChange": "questionnaires.model",
    "Scale": "questionnaires.model",
    "instrument_from_data": "questionnaires.loader",
    "load_instrument": "questionnaires.loader",
    "DEFAULT_INSTRUMENT": "questionnaires.catalogue",
    "get_instrument": "questionnaires.catalogue",
    "list_instruments": "questionnaires.catalogue",
    "parse_ref": "questionnaires.catalogue",
    "questionnaires_dir": "questionnaires.catalogue",
    "check_lock": "questionnaires.lock",
    "content_hash": "questionnaires.lock",
    "lock_additions": "questionnaires.lock",
    "lock_status": "questionnaires.lock",
    "lock_text": "questionnaires.lock",
    "read_lock": "questionnaires.lock",
    "instrument_schema": "questionnaires.schema",
    "instrument_schema_text": "questionnaires.schema",
    "InstrumentDiff": "questionnaires.diff",
    "diff_instruments": "questionnaires.diff",
    "Comment": "questionnaires.answers",
    "Respondent": "questionnaires.answers",
    "ResponseRecord": "questionnaires.answers",
    "ResponseSet": "questionnaires.answers",
    "WaveInfo": "questionnaires.answers",
    "choose_instrument": "questionnaires.answers",
    "records_to_response_set": "questionnaires.answers",
}

__all__ = [
    "DEFAULT_INSTRUMENT",
    "Action",
    "Capability",
    "CentricError",
    "Comment",
    "Instrument",
    "InstrumentDiff",
    "Item",
    "ItemChange",
    "Kpi",
    "LockError",
    "OutputError",
    "Problem",
    "QuestionnaireError",
    "ReportError",
    "Respondent",
    "ResponseError",
    "ResponseRecord",
    "ResponseSet",
    "Scale",
    "ScoringError",
    "StoreError",
    "WaveInfo",
    "check_lock",
    "choose_instrument",
    "content_hash",
    "diff_instruments",
    "get_instrument",
    "instrument_from_data",
    "instrument_schema",
    "instrument_schema_text",
    "list_instruments",
    "load_instrument",
    "lock_additions",
    "lock_status",
    "lock_text",
    "parse_ref",
    "questionnaires_dir",
    "read_lock",
    "records_to_response_set",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'questionnaires' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
