"""The personal (individual) report's view model."""

from __future__ import annotations

import math
from dataclasses import dataclass

from questionnaires.answers import ResponseSet
from questionnaires.errors import ReportError
from questionnaires.model import Instrument
from reports.anonymity import (
    require_population,
    too_few,
)
from reports.formatting import (
    DASH,
    clean_text,
    fmt_num,
    fmt_signed,
)
from reports.options import ReportOptions
from reports.views.common import (
    NAN,
    Meta,
    Params,
    _few,
    _level_names,
    _meta,
    _nan,
    _params,
    _quartiles,
)
from scoring.results import (
    WaveResult,
)


@dataclass(frozen=True)
class PersonalRow:
    name: str
    you: str
    team_median: str
    team_range: str  # interquartile range
    difference: str
    you_value: float
    median_value: float
    q1: float
    q3: float


@dataclass(frozen=True)
class PersonalItem:
    id: str
    text: str
    you: str
    team_median: str
    difference: str


@dataclass(frozen=True)
class IndividualReport:
    """View model of one respondent's personal report.

    Attributes
    ----------
    kind : str
        ``"individual"``: the template to fill.
    meta : Meta
        Cover and provenance.
    respondent : str
        The respondent id, cleaned for printing.
    role : str
        The respondent's role.
    summary : str
        The report in two sentences.
    rows : tuple of PersonalRow
        Per capability: your score against the team median and quartiles.
    differences : tuple of PersonalItem
        Statements where you differ most from the team (at least a point).
    agree : tuple of PersonalItem
        Statements where you agree most with the team (within half a point).
    answered : str
        How many statements you answered.
    level_names : tuple of str
        Names of the maturity levels 1–5.
    params : Params
        Scoring and anonymity parameters.
    """

    kind: str
    meta: Meta
    respondent: str
    role: str
    summary: str
    rows: tuple[PersonalRow, ...]
    differences: tuple[PersonalItem, ...]
    agree: tuple[PersonalItem, ...]
    answered: str
    level_names: tuple[str, ...]
    params: Params


def _capability_rows(
    result: WaveResult, idx: int, names: dict[str, str], k: int, named: bool
) -> list[PersonalRow]:
    """Per capability: the respondent's score against the team median and quartiles."""
    rows: list[PersonalRow] = []
    for cid in result.capabilities:
        sc = result.score(cid)
        you = sc.respondent_scores[idx]
        if too_few(sc.n, k, named):
            rows.append(
                PersonalRow(names[cid], fmt_num(you), _few(k), DASH, DASH, you, NAN, NAN, NAN)
            )
            continue
        q1, med, q3 = _quartiles(sc.respondent_scores)
        rows.append(
            PersonalRow(
                names[cid],
                fmt_num(you),
                fmt_num(med),
                f"{fmt_num(q1)}–{fmt_num(q3)}",
                fmt_signed(you - med) if not _nan(you) else DASH,
                you,
                med,
                q1,
                q3,
            )
        )
    return rows


def _statements(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    idx: int,
    k: int,
    named: bool,
) -> tuple[tuple[PersonalItem, ...], tuple[PersonalItem, ...]]:
    """The statements where the respondent differs most from the team, and agrees most."""
    # statements: the answer as given (its label on the item's own scale) against the team
    # median on the same scale; a reverse-coded item's median is turned back (L + H − median),
    # as in the disputed-items section of the team report
    stats = {s.item_id: s for s in result.items}
    items: list[tuple[float, float, str, str, float]] = []
    for j, iid in enumerate(responses.item_ids):
        x = float(responses.current[idx, j])
        st = stats.get(iid)
        if math.isnan(x) or st is None or _nan(st.median) or too_few(st.n, k, named):
            continue
        scale = instrument.scale_of(iid)
        med = scale.low + scale.high - st.median if instrument.item(iid).reverse else st.median
        pos = round(x) - scale.low
        answer = scale.labels[pos] if 0 <= pos < len(scale.labels) else fmt_num(x, 0)
        items.append((abs(x - med), x - med, iid, f"{fmt_num(x, 0)} {answer}", med))
    items.sort(key=lambda t: (-t[0], t[2]))
    diffs = tuple(
        PersonalItem(iid, instrument.item(iid).text, you, fmt_num(m), fmt_signed(d))
        for _a, d, iid, you, m in items[:6]
        if _a >= 1.0
    )
    agree = tuple(
        PersonalItem(iid, instrument.item(iid).text, you, fmt_num(m), fmt_signed(d))
        for _a, d, iid, you, m in sorted(items, key=lambda t: (t[0], t[2]))[:4]
        if _a < 0.5
    )
    return diffs, agree


def build_individual_report(
    result: WaveResult,
    responses: ResponseSet,
    instrument: Instrument,
    respondent: str,
    options: ReportOptions | None = None,
) -> IndividualReport:
    """One respondent's ratings against the team's median and interquartile range.

    Nothing about any other single person is shown: only team medians and quartiles over at least
    ``min_group`` respondents. A capability or statement that fewer than ``min_group`` people
    scored shows no team figure ("fewer than k answered"): with two, the team median would give
    the other person's answer.

    Parameters
    ----------
    result : scoring.results.WaveResult
        The scored wave.
    responses : questionnaires.answers.ResponseSet
        The responses it was scored from.
    instrument : questionnaires.model.Instrument
        The instrument of the wave.
    respondent : str
        The respondent id.
    options : ReportOptions, optional
        Anonymity k, named workshop and theme; ``None`` = the defaults.

    Returns
    -------
    IndividualReport
        The view model.

    Raises
    ------
    questionnaires.errors.ReportError
        For an unknown respondent, or a wave with fewer than ``min_group`` respondents.
    """
    options = options or ReportOptions()
    ids = [r.id for r in responses.respondents]
    if respondent not in ids:
        sample = ", ".join(ids[:5])
        raise ReportError(
            f"respondent {respondent!r} is not in {responses.source or 'the responses'}; "
            f"ids look like {sample}"
        )
    require_population(
        result.n_respondents,
        options.min_group,
        options.named_workshop,
        "personal report (it compares with the team)",
        result.wave,
    )
    idx = ids.index(respondent)
    person = responses.respondents[idx]
    names = {c.id: c.name for c in instrument.capabilities}
    k, named = options.min_group, options.named_workshop
    rows = _capability_rows(result, idx, names, k, named)
    diffs, agree = _statements(result, responses, instrument, idx, k, named)
    higher = sum(1 for r in rows if not _nan(r.you_value) and r.you_value - r.median_value >= 0.5)
    lower = sum(1 for r in rows if not _nan(r.you_value) and r.you_value - r.median_value <= -0.5)

    def _count(n: int) -> str:
        return "no capability" if n == 0 else f"{n} of {len(rows)} capabilities"

    answered = sum(1 for x in responses.current[idx] if not math.isnan(x))
    if not any(not _nan(r.you_value) for r in rows):
        summary = (
            "Your answers give no capability score: you answered "
            + ("no statement" if answered == 0 else f"only {answered}")
            + " with a rating (the others were N/A or left out), and a capability score needs "
            f"at least {_params(result, instrument).min_answered} of its statements. The team's "
            "scores are shown for reference; the workshop is a good place to say why the "
            "statements did not apply to you."
        )
    else:
        summary = (
            "You rate the company at least half a point above the team median on "
            f"{_count(higher)} and at least half a point below it on {_count(lower)}. "
            "Where your view differs most, your perspective is worth bringing to the workshop."
        )
    meta = _meta(
        result, instrument, responses, options, "Your view and the team's", "Personal report"
    )
    return IndividualReport(
        "individual",
        meta,
        clean_text(respondent),
        clean_text(person.role),
        summary,
        tuple(rows),
        diffs,
        agree,
        f"{answered} of {len(responses.item_ids)}",
        _level_names(instrument),
        _params(result, instrument),
    )
