"""Options that change what a report shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from questionnaires.errors import ReportError
from reports.theme import DEFAULT_THEME, Theme

__all__ = [
    "COMMENT_MIN_GROUP",
    "DEFAULT_MIN_GROUP",
    "MIN_GROUP_FLOOR",
    "TREND_MIN_GROUP",
    "ReportKind",
    "ReportOptions",
    "check_min_group",
    "comment_threshold",
    "default_min_group",
]

LANGUAGES = ("en",)

#: docs/reports.md#anonymity: no anonymous report shows a group of fewer than 3 people, whatever
#: ``min_group``
#: says (with 2, each of the pair can derive the other's answers from the group median).
MIN_GROUP_FLOOR = 3

#: docs/reports.md#anonymity: k of a team or personal report when none is given.
DEFAULT_MIN_GROUP = 3
#: docs/reports.md#anonymity: k of a trend report when none is given, and its smallest k in the
#: demo (a trend compares waves, so a small change of who answered shows more).
TREND_MIN_GROUP = 5
#: docs/reports.md#anonymity: free-text comments are shown only from this many people.
COMMENT_MIN_GROUP = 5

#: The kinds of report: ``team``, ``individual`` (personal) and ``trend``.
ReportKind = Literal["team", "individual", "trend"]


def default_min_group(kind: ReportKind) -> int:
    """The anonymity threshold k of a ``kind`` report when none is given.

    :data:`TREND_MIN_GROUP` (5) for ``trend``, else :data:`DEFAULT_MIN_GROUP` (3).

    Parameters
    ----------
    kind : {"team", "individual", "trend"}
        The report.

    Returns
    -------
    int
        k.

    Examples
    --------
    >>> default_min_group("team"), default_min_group("trend")
    (3, 5)
    """
    if kind not in ("team", "individual", "trend"):
        raise ReportError(f"unknown report kind {kind!r}; known: team, individual, trend")
    return TREND_MIN_GROUP if kind == "trend" else DEFAULT_MIN_GROUP


def comment_threshold(k: int) -> int:
    """The population free-text comments need with anonymity threshold ``k``.

    ``max(COMMENT_MIN_GROUP, k)``.

    Parameters
    ----------
    k : int
        The anonymity threshold.

    Returns
    -------
    int
        The comment threshold.

    Examples
    --------
    >>> comment_threshold(3), comment_threshold(8)
    (5, 8)
    """
    return max(COMMENT_MIN_GROUP, k)


def check_min_group(k: int, named_workshop: bool = False) -> None:
    """Refuse a k below 1, or below :data:`MIN_GROUP_FLOOR` unless ``named_workshop``.

    Parameters
    ----------
    k : int
        The anonymity threshold.
    named_workshop : bool, default False
        The team agreed to be identified.

    Raises
    ------
    questionnaires.errors.ReportError
        Saying why, with the settings that would fix it.
    """
    if k < 1:
        raise ReportError(
            f"the minimum group size must be a positive number (got {k})",
            settings={"min_group": None},
        )
    if k < MIN_GROUP_FLOOR and not named_workshop:
        raise ReportError(
            f"a minimum group size of {k} would show groups of fewer than "
            f"{MIN_GROUP_FLOOR} people, whose answers can be worked out; the smallest "
            f"anonymous group is {MIN_GROUP_FLOOR}. Only when the team agreed to be "
            "identified, name the respondents (a named workshop)",
            settings={"min_group": MIN_GROUP_FLOOR, "named_workshop": None},
        )


@dataclass(frozen=True)
class ReportOptions:
    """What to show and how.

    A ``reissue`` is a report whose respondents differ from an earlier report of the wave by fewer
    than k people (:func:`reports.anonymity.check_reissue`): it shows no count that would differ
    between the two (per item n, N/A and answer counts, per capability n, department and camp
    sizes). :meth:`for_report` chooses the defaults of each kind of report.

    Attributes
    ----------
    min_group : int
        k of the anonymity rules (a group smaller than k is never shown); at least
        :data:`MIN_GROUP_FLOOR` (3) unless ``named_workshop``.
    min_group_comments : int
        The larger population free-text comments need (not below ``min_group``).
    named_workshop : bool
        Lifts both thresholds for a team that agreed to be identified.
    lang : str
        Report language, one of :data:`LANGUAGES`.
    pdfa : bool
        Write PDF/A-3b.
    theme : Theme
        Colours, fonts and logo.
    template_dir : pathlib.Path or None
        A folder of templates that override the shipped ones.
    report_date : str or None
        Printed on the cover; ``None`` prints no date (the clock is never read, so a report can
        be rebuilt byte for byte).
    max_disputed_items : int
        Most disputed items listed.
    author : str
        The author in the PDF's metadata.
    reissue : bool
        The report is a reissue (see above).
    pdfua : bool
        Write PDF/UA-1 (tagged, with the document language, title and figure alternative texts);
        every report is tagged either way.
    engagement : object or None
        The client's engagement (:class:`assessment.io.engagement.Engagement`, loaded by the
        caller) behind the business case; ``None`` leaves the section out with one line saying so.

    Raises
    ------
    questionnaires.errors.ReportError
        For a k below the floor, a comment threshold below k, or an unknown language.
    """

    min_group: int = DEFAULT_MIN_GROUP
    min_group_comments: int = COMMENT_MIN_GROUP
    named_workshop: bool = False
    lang: str = "en"
    pdfa: bool = False
    theme: Theme = field(default=DEFAULT_THEME)
    template_dir: Path | None = None
    report_date: str | None = None
    max_disputed_items: int = 6
    author: str = "centric"
    reissue: bool = False
    pdfua: bool = False
    engagement: Any = None

    def __post_init__(self) -> None:
        check_min_group(self.min_group, self.named_workshop)
        if self.min_group_comments < self.min_group:
            raise ReportError(
                f"the comment threshold ({self.min_group_comments}) cannot be below "
                f"the minimum group size ({self.min_group})",
                settings={"min_group": None},
            )
        if self.lang not in LANGUAGES:
            raise ReportError(
                f"report language {self.lang!r} is not available; available: "
                f"{', '.join(LANGUAGES)}",
                settings={"lang": None},
            )

    @classmethod
    def for_report(cls, kind: ReportKind, k: int | None = None, **options: Any) -> ReportOptions:
        """The options of a ``kind`` report with anonymity threshold ``k``.

        The comment threshold is :func:`comment_threshold` of k. This is the one place the defaults are
        chosen: the CLI and any other caller get the same options.

        Parameters
        ----------
        kind : {"team", "individual", "trend"}
            The report.
        k : int, optional
            The anonymity threshold; ``None`` = :func:`default_min_group`.
        **options : Any
            The other fields (``named_workshop``, ``theme``, ``report_date`` ...).

        Returns
        -------
        ReportOptions
            The options.

        Raises
        ------
        questionnaires.errors.ReportError
            For a k below the floor or an unknown field value.

        Examples
        --------
        >>> o = ReportOptions.for_report("trend")
        >>> o.min_group, o.min_group_comments
        (5, 5)
        >>> ReportOptions.for_report("team", 7).min_group_comments
        7
        """
        k = default_min_group(kind) if k is None else k
        return cls(min_group=k, min_group_comments=comment_threshold(k), **options)
