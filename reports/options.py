"""Options that change what a report shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assessment.errors import ReportError
from reports.theme import DEFAULT_THEME, Theme

__all__ = ["ReportOptions"]

LANGUAGES = ("en",)


@dataclass(frozen=True)
class ReportOptions:
    """What to show and how.

    ``min_group`` is k of the anonymity rules (a group smaller than k is never shown);
    ``min_group_comments`` is the larger population free-text comments need; ``named_workshop``
    lifts both for a team that agreed to be identified. ``report_date`` is printed on the cover;
    by default the wave id is used, never the clock, so a report can be rebuilt byte for byte.
    """

    min_group: int = 3
    min_group_comments: int = 5
    named_workshop: bool = False
    lang: str = "en"
    pdfa: bool = False
    theme: Theme = field(default=DEFAULT_THEME)
    template_dir: Path | None = None
    report_date: str | None = None
    max_disputed_items: int = 6
    author: str = "centric"

    def __post_init__(self) -> None:
        if self.min_group < 2:
            raise ReportError(
                f"--min-group must be at least 2 (got {self.min_group}); "
                "use --named-workshop when the team agreed to be identified"
            )
        if self.min_group_comments < self.min_group:
            raise ReportError(
                f"the comment threshold ({self.min_group_comments}) cannot be below "
                f"--min-group ({self.min_group})"
            )
        if self.lang not in LANGUAGES:
            raise ReportError(
                f"--lang {self.lang!r} is not available; available: {', '.join(LANGUAGES)}"
            )
