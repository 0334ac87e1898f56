"""Safe analyst output: what ``centric score`` prints and the demo's result files
(:class:`ScoreOutput`, :func:`score_output`, :func:`write_result_files`).

They apply the reports' anonymity rules (:mod:`reports.anonymity`, through
:func:`~assessment.service.withholding.safe_result`) unless the analyst asks for identifying
output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.service.loading import LoadedResponses, _ids
from assessment.service.result_data import (
    _num,
    capability_summary,
    result_dict,
    result_to_dict,
    summary_columns,
    summary_csv,
)
from assessment.service.withholding import Withheld, safe_result

if TYPE_CHECKING:
    from assessment.service.ledger import ReportLedger
    from scoring.results import ScoreOptions, WaveResult


IDENTIFYING_WARNING = (
    "identifying output: respondent-level scores and groups below the anonymity threshold; "
    "keep it away from the people it describes"
)


@dataclass(frozen=True)
class ScoreOutput:
    """What ``centric score`` prints: the (suppressed) result and what was withheld.

    ``identifying`` output is the scored result untouched; otherwise ``result`` went through
    :func:`safe_result`.

    Attributes
    ----------
    result : WaveResult
        The scored wave, suppressed unless ``identifying``.
    identifying : bool
        Whether this is the full, identifying result (``--identifying``).
    min_group : int
        The smallest group shown (k, the anonymity threshold of safe output).
    withheld : tuple of Withheld
        What safe output left out, and why; ``()`` for identifying output.
    reissue : bool
        A reissue (``--allow-reissue`` past a conflict with an earlier output of the wave): no
        counts, no department, perception or camp figures, means to one decimal.
    """

    result: WaveResult
    identifying: bool
    min_group: int
    withheld: tuple[Withheld, ...] = ()
    reissue: bool = False
    """A reissue (``--allow-reissue`` past a conflict with an earlier output of the wave): no
    counts, no department, perception or camp figures, means to one decimal."""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``identifying`` is the first key; safe output also names ``min_group``,
        whether it is a ``reissue`` and what was ``withheld``."""
        head: dict[str, Any] = {"identifying": self.identifying}
        if self.identifying:
            head["warning"] = IDENTIFYING_WARNING
        else:
            head["min_group"] = self.min_group
            head["reissue"] = self.reissue
            head["withheld"] = [result_to_dict(w) for w in self.withheld]
        data = result_dict(self.result)
        if not self.identifying:
            _drop_respondent_fields(data, self.min_group)
        if self.reissue:
            _reissue_fields(data)
        return head | data

    def json(self, indent: int = 2) -> str:
        """The output as JSON text (:meth:`as_dict`), ending in a newline; NaN is refused, not written.

        Parameters
        ----------
        indent : int, default 2
            Spaces per indentation level.

        Returns
        -------
        str
            The JSON document.
        """
        return json.dumps(self.as_dict(), indent=indent, ensure_ascii=False, allow_nan=False) + "\n"

    def rows(self) -> list[dict[str, Any]]:
        rows = capability_summary(self.result)
        if self.reissue:
            for row in rows:
                row.update(n=None, perception_gap=None, perception=None, perception_p=None)
                for key in ("score", "ci_low", "ci_high"):
                    row[key] = _num(row[key], 1)
                row["score_norm"] = _num(row["score_norm"], 0)
                _reissue_capability_cells(row)
        return rows

    def csv(self) -> str:
        """The capability summary (:func:`summary_columns`: with the level check and investment
        points of an instrument with rated levels); identifying output starts with a
        ``# identifying output`` line."""
        text = summary_csv(self.rows(), summary_columns(self.result))
        return f"# {IDENTIFYING_WARNING}\n{text}" if self.identifying else text


def score_output(
    loaded: LoadedResponses,
    options: ScoreOptions | None = None,
    *,
    identifying: bool = False,
    named_workshop: bool = False,
    ledger: ReportLedger | None = None,
    allow_reissue: bool = False,
    path: str | Path | None = None,
) -> ScoreOutput:
    """Score one wave for the analyst, safe by default.

    Safe output (the default) refuses a wave of fewer than k respondents, scores with
    ``min_group = k`` (``options.min_group``, at least 3 unless ``named_workshop``) and passes the
    result through :func:`safe_result`. ``identifying=True`` returns the full result.

    With a ``ledger``, safe output is guarded like a report (kind ``score``, recorded as
    ``path``, ``None`` = stdout): refused when its respondents differ from an earlier output of
    the wave by 1 to k − 1 people or complete a chain that isolates one person, unless
    ``allow_reissue``, which makes it a reissue (:attr:`ScoreOutput.reissue`). Identifying and
    named-workshop output are neither checked nor recorded: the analyst opted out.

    Parameters
    ----------
    loaded : LoadedResponses
        The validated wave.
    options : ScoreOptions or None, optional
        Scoring options; ``None`` for the defaults. ``options.min_group`` is k.
    identifying : bool, default False
        Return the full result, without suppression.
    named_workshop : bool, default False
        A named workshop: k may be below 3; not checked against or recorded in the ledger.
    ledger : ReportLedger or None, optional
        Where earlier outputs of the wave are looked up and this one is recorded.
    allow_reissue : bool, default False
        Write a conflicting output anyway, as a reissue.
    path : str or Path or None, optional
        Where the output is written, for the ledger; ``None`` is stdout.

    Returns
    -------
    ScoreOutput
        The result to print and what was withheld.
    """
    from dataclasses import replace

    from assessment import service  # score_responses is looked up on the package (patchable)
    from reports.anonymity import FLOOR, require_population
    from reports.options import check_min_group
    from scoring.results import ScoreOptions

    opts = options or ScoreOptions(management_roles=None)
    k = opts.min_group
    rs = loaded.responses
    guarded = ledger is not None and not identifying and not named_workshop
    reissue = False
    if not identifying:
        check_min_group(k, named_workshop)
        require_population(rs.n_respondents, k, named_workshop, "score output", rs.wave)
        opts = replace(opts, min_group=max(k, FLOOR))
    if guarded and ledger is not None:
        reissue = bool(ledger.check(rs.wave, _ids(loaded), k, allow_reissue))
    result = service.score_responses(loaded, opts)
    if identifying or named_workshop:
        return ScoreOutput(result, identifying=identifying, min_group=k)
    safe, withheld = safe_result(result, rs, k)
    if reissue:
        withheld += (
            Withheld(
                "reissue",
                "a reissue: no counts (n), no department, management/others or camp figures, "
                "means and medians to one decimal, since compared with an earlier output of "
                "almost the same respondents these would reveal the answers of those added or "
                "removed",
            ),
        )
    if guarded and ledger is not None:
        ledger.record(
            result,
            kind="score",
            path=Path("-" if path is None else path),
            respondents=_ids(loaded),
            pdf=b"",
            k=k,
            reissue=reissue,
        )
    return ScoreOutput(safe, identifying=False, min_group=k, withheld=withheld, reissue=reissue)


def _drop_respondent_fields(data: dict[str, Any], k: int) -> None:
    """No per-respondent field at all in safe JSON (not even empty lists), no size of a
    management or others group below ``k``, and per item no answer distribution and no N/A
    count (two outputs a person apart differ there by exactly that person's answers); item
    means and medians to 2 decimals."""
    for entry in data.get("perception") or []:
        # one side's size follows from the other's and the published total
        if min(entry.get("n_management") or 0, entry.get("n_others") or 0) < k:
            entry["n_management"] = entry["n_others"] = None
    for entry in data.get("scores") or []:
        entry.pop("respondent_scores", None)
        entry.pop("respondent_targets", None)
    for entry in data.get("items") or []:
        entry.pop("distribution", None)
        entry.pop("n_na", None)
        for key in ("mean", "median", "target_mean", "target_median"):
            entry[key] = _num(entry.get(key))
    amap = data.get("alignment_map") or {}
    for key in ("respondent_ids", "coords", "camp_of"):
        amap.pop(key, None)


_REISSUE_ROUNDED = ("mean", "median", "target_mean", "target_median", "mean_norm")
_REISSUE_ITEM_SPREAD = ("sd", "rwg", "rwg_raw", "ad", "awg", "agi", "agi_management")
_REISSUE_AGREEMENT_SPREAD = (
    "rwg_j",
    "rwg_j_raw",
    "rwg_star_j",
    "ad_mean",
    "ad_median",
    "awg_j",
    "alpha_interval",
    "alpha_ordinal",
    "cronbach_alpha",
    "cronbach_alpha_listwise",
    "icc",
)
_REISSUE_CONSENSUS = (
    "value",
    "n_raters",
    "n_items",
    "mean_variance",
    "critical_value",
    "gate",
    "message",
)


def _reissue_fields(data: dict[str, Any]) -> None:
    """A reissue of safe JSON (as a reissued report): no count, no department, perception or
    camp figure, capability and item means and medians to one decimal."""
    from scoring.results import DEPARTMENT_PREFIX

    for section in ("scores", "items", "agreement", "agi"):
        for entry in data.get(section) or []:
            if "n" in entry:
                entry["n"] = None
            for key in _REISSUE_ROUNDED:
                if key in entry:
                    entry[key] = _num(entry[key], 0 if key == "mean_norm" else 1)
            for key in ("ci", "target_ci"):
                if isinstance(entry.get(key), dict):
                    entry[key] = {b: _num(v, 1) for b, v in entry[key].items()}
    data["agi"] = [
        a for a in data.get("agi") or [] if not str(a.get("group")).startswith(DEPARTMENT_PREFIX)
    ]
    data["perception"] = []
    data["silos"] = []
    amap = data.get("alignment_map") or {}
    if "camps" in amap:
        amap["camps"] = []
    for entry in data.get("levels") or []:
        for key in ("median", "weakest_item_median"):
            entry[key] = _num(entry.get(key), 1)
        if isinstance(entry.get("explanation"), str):
            from reports.formatting import one_decimal

            entry["explanation"] = one_decimal(entry["explanation"])
        entry["management"] = None  # the management team's figures, as perception: not in a reissue
        estimate: dict[str, Any] | None = entry.get("organisation")
        if isinstance(estimate, dict):
            estimate.update(n=None, coverage=None)  # the coverage is a function of n
            for key in ("median", "interpolated"):
                estimate[key] = _num(estimate[key], 1) if key in estimate else None
            if isinstance(estimate.get("interval"), dict):
                estimate["interval"] = {b: _num(v, 1) for b, v in estimate["interval"].items()}
    for entry in data.get("items") or []:
        # spreads and agreement of one item, before and after, give the changed person's answer
        entry.update(dict.fromkeys(_REISSUE_ITEM_SPREAD))
    for entry in data.get("agreement") or []:
        entry.update(dict.fromkeys(_REISSUE_AGREEMENT_SPREAD), consensus_management=None)
        if isinstance(entry.get("consensus"), dict):
            entry["consensus"].update(dict.fromkeys(_REISSUE_CONSENSUS))
        for flag in entry.get("item_flags") or []:
            flag.update(n=None, r=None, message=None)
    for entry in data.get("agi") or []:
        # critical values move with n; the AGI and its interval as printed (whole points)
        entry.update(critical_low=None, critical_high=None, relative=None, items=None)
        entry["value"] = _num(entry.get("value"), 0)
        if isinstance(entry.get("ci"), dict):
            entry["ci"] = {b: _num(v, 0) for b, v in entry["ci"].items()}
    for entry in data.get("ambition") or []:
        for key in ("current_mean", "target_mean", "gap"):
            entry[key] = _num(entry.get(key), 1)
    _reissue_capability_answers(data)
    _reissue_findings(data)


def _reissue_findings(data: dict[str, Any]) -> None:
    """A reissue keeps of each finding only its kind, capability and label, and none whose
    figures it drops (:data:`scoring.findings.REISSUE_DROPPED`): effect, certainty, salience,
    the sentence and its evidence all carry figures that move with one person's answers."""
    from scoring.findings import REISSUE_DROPPED

    data["findings"] = [
        {"kind": f.get("kind"), "capability_id": f.get("capability_id"), "label": f.get("label")}
        for f in data.get("findings") or []
        if f.get("kind") not in REISSUE_DROPPED
    ]


def _reissue_capability_cells(row: dict[str, Any]) -> None:
    """A reissued summary row keeps of the capability-level columns only the organisation's
    median rated level, item-based level, label and flag and the capabilities' rank by points:
    a mean of points, even to one decimal, times the number of respondents gives the changed
    person's points within a few."""
    for key in CAPABILITY_LEVEL_REISSUE_DROPPED:
        if key in row:
            row[key] = None
    if row.get("priority_w") is not None:
        row["priority_w"] = _num(row["priority_w"], 1)


#: Summary columns a reissue leaves empty.
CAPABILITY_LEVEL_REISSUE_DROPPED = (
    "rated_level_management",
    "item_level_management",
    "level_check_management",
    "points_mean",
    "points_median",
    "points_q1",
    "points_q3",
    "points_zero_share",
    "points_mean_management",
    "points_median_management",
    "points_rank_management",
    "priority_w_management",
)


def _reissue_capability_answers(data: dict[str, Any]) -> None:
    """A reissue of the capability-level answers: nothing of the management team (as the
    perception figures); per capability of the organisation the median rated level, the
    item-based level, flag and label without counts or p-values, and the rank by points without
    the points; Kendall's W to one decimal, without its test."""
    answers = data.get("capability_answers")
    if not isinstance(answers, dict):
        return
    checks = [c for c in answers.get("level_checks") or [] if c.get("group") != "management"]
    for c in checks:
        c.update(n=None, n_higher=None, n_lower=None, n_equal=None, p_value=None, p_adjusted=None)
        c["rated_median"] = _num(c.get("rated_median"), 1)
        c["difference"] = _num(c.get("difference"), 1)
    points = [p for p in answers.get("investment") or [] if p.get("group") != "management"]
    for pt in points:
        pt.update(n=None, mean=None, median=None, q1=None, q3=None, share_zero=None)
    priorities = [p for p in answers.get("priorities") or [] if p.get("group") != "management"]
    for pa in priorities:
        pa.update(n_raters=None, chi2=None, p_value=None, w=_num(pa.get("w"), 1))
    answers.update(level_checks=checks, investment=points, priorities=priorities)


def write_result_files(
    output: ScoreOutput, out_dir: str | Path, stem: str | None = None
) -> list[Path]:
    """Write ``<stem>.json`` (:meth:`ScoreOutput.json`) and ``<stem>.csv`` atomically.

    The CSV is the capability summary.

    Parameters
    ----------
    output : ScoreOutput
        The output to write.
    out_dir : str or Path
        The folder to write into (it must exist).
    stem : str or None, optional
        The file name without suffix; ``None`` is ``results-<wave>``.

    Returns
    -------
    list of Path
        The JSON and the CSV file written.
    """
    from assessment.io.atomic import atomic_write_text

    out = Path(out_dir)
    stem = stem or f"results-{output.result.wave}"
    return [
        atomic_write_text(out / f"{stem}.json", output.json(indent=1)),
        atomic_write_text(out / f"{stem}.csv", output.csv()),
    ]
