"""Deprecated alias of :mod:`questionnaires.errors` (kept for one release; import from there)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assessment._moved import forwarder

if TYPE_CHECKING:
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

__getattr__ = forwarder(__name__, ["questionnaires.errors"])
