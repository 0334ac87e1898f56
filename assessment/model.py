"""Deprecated alias: the instrument model moved to :mod:`questionnaires` (kept for one release).

``Instrument`` and friends: :mod:`questionnaires.model`; loading: :mod:`questionnaires.loader`;
``get_instrument``: :mod:`questionnaires.catalogue`; the lock: :mod:`questionnaires.lock` (writing
it: :mod:`assessment.io.lockfile`); the JSON Schema: :mod:`questionnaires.schema`; the diff:
:mod:`questionnaires.diff`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assessment._moved import forwarder

if TYPE_CHECKING:
    from assessment.io.lockfile import write_lock as write_lock
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
    from questionnaires.loader import (
        instrument_from_data as instrument_from_data,
    )
    from questionnaires.loader import (
        load_instrument as load_instrument,
    )
    from questionnaires.lock import (
        LockState as LockState,
    )
    from questionnaires.lock import (
        check_lock as check_lock,
    )
    from questionnaires.lock import (
        lock_additions as lock_additions,
    )
    from questionnaires.lock import (
        lock_path as lock_path,
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
        LEVELS as LEVELS,
    )
    from questionnaires.model import (
        Action as Action,
    )
    from questionnaires.model import (
        Capability as Capability,
    )
    from questionnaires.model import (
        ChangeKind as ChangeKind,
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
        Scale as Scale,
    )
    from questionnaires.model import (
        content_hash as content_hash,
    )
    from questionnaires.schema import (
        instrument_schema as instrument_schema,
    )
    from questionnaires.schema import (
        instrument_schema_text as instrument_schema_text,
    )
    from questionnaires.schema import (
        schema_path as schema_path,
    )

__getattr__ = forwarder(
    __name__,
    [
        "questionnaires.model",
        "questionnaires.loader",
        "questionnaires.catalogue",
        "questionnaires.lock",
        "questionnaires.schema",
        "questionnaires.diff",
    ],
    {"write_lock": "assessment.io.lockfile"},
)
