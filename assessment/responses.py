"""Deprecated alias of :mod:`questionnaires.answers` (kept for one release; import from there)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assessment._moved import forwarder

if TYPE_CHECKING:
    from questionnaires.answers import (
        LONG_COLUMNS as LONG_COLUMNS,
    )
    from questionnaires.answers import (
        MAX_ROWS_SHOWN as MAX_ROWS_SHOWN,
    )
    from questionnaires.answers import (
        Comment as Comment,
    )
    from questionnaires.answers import (
        ProblemLog as ProblemLog,
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
        did_you_mean as did_you_mean,
    )
    from questionnaires.answers import (
        lookalike_note as lookalike_note,
    )
    from questionnaires.answers import (
        normalise_department as normalise_department,
    )
    from questionnaires.answers import (
        records_to_response_set as records_to_response_set,
    )
    from questionnaires.answers import (
        shown as shown,
    )
    from questionnaires.answers import (
        shown_id as shown_id,
    )
    from questionnaires.answers import (
        skeleton as skeleton,
    )

__getattr__ = forwarder(__name__, ["questionnaires.answers"])
