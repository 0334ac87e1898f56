"""Results as plain data: a :class:`~scoring.results.WaveResult` as a JSON-ready dict, the
capability summary (:data:`SUMMARY_COLUMNS`, and :data:`CAPABILITY_LEVEL_COLUMNS` for an
instrument with rated levels) and the one CSV writer of the CLI's data."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scoring.results import WaveResult


SUMMARY_COLUMNS = (
    "capability",
    "name",
    "n",
    "score",
    "ci_low",
    "ci_high",
    "score_norm",
    "level",
    "target_level",
    "agi_management",
    "agi_band",
    "agi_management_target",
    "perception_gap",
    "perception",
    "perception_p",
)

CAPABILITY_LEVEL_COLUMNS = (
    "rated_level",
    "item_level",
    "level_check",
    "level_differs",
    "rated_level_management",
    "item_level_management",
    "level_check_management",
    "points_mean",
    "points_median",
    "points_q1",
    "points_q3",
    "points_zero_share",
    "points_rank",
    "points_mean_management",
    "points_median_management",
    "points_rank_management",
    "priority_w",
    "priority_w_management",
)
"""Extra summary columns of an instrument with rated levels (after :data:`SUMMARY_COLUMNS`):
per capability the organisation's and the management team's level check
(:class:`~scoring.results.LevelCheck`: median rated level, item-based level, label, the
descriptive ``level_differs`` flag) and investment points
(:class:`~scoring.results.InvestmentPoints`); on the ``overall`` row Kendall's W of the point
allocations (:class:`~scoring.results.PriorityAgreement`)."""


def result_to_dict(obj: Any) -> Any:
    """Dataclasses → dicts (field order kept), tuples → lists, NaN/±inf → ``None``; JSON-ready.

    Parameters
    ----------
    obj : object
        A result, or any part of one.

    Returns
    -------
    object
        ``obj`` as JSON-ready data.
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: result_to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): result_to_dict(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [result_to_dict(v) for v in obj]
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalar
        return result_to_dict(obj.item())
    if hasattr(obj, "tolist"):  # numpy array
        return result_to_dict(obj.tolist())
    return obj


def _num(x: float, digits: int = 2) -> float | None:
    return round(x, digits) if isinstance(x, int | float) and math.isfinite(x) else None


def _sig(x: float, digits: int = 3) -> float | None:
    """``x`` to ``digits`` significant digits: a p-value of 0.00004 stays 4e-05, not 0.0."""
    return float(f"{x:.{digits}g}") if isinstance(x, int | float) and math.isfinite(x) else None


def _hide_undefined(result: WaveResult, data: dict[str, Any]) -> dict[str, Any]:
    """The JSON of ``result`` without numbers scoring labels undefined: a perception gap whose
    label is ``undefined`` has ``gap`` and ``p_value`` null, and the mean of a group smaller than
    ``min_group`` (one executive's own score) is null too."""
    k = result.options.min_group
    for entry in data.get("perception") or []:
        if entry.get("label") != "undefined":
            continue
        entry["gap"] = entry["p_value"] = None
        if (entry.get("n_management") or 0) < k:
            entry["management_mean"] = None
        if (entry.get("n_others") or 0) < k:
            entry["others_mean"] = None
    return data


def result_dict(result: WaveResult) -> dict[str, Any]:
    """The JSON-ready dict of a :class:`WaveResult` (see :func:`result_to_dict`).

    The numbers of undefined perception gaps are hidden (``None``), as the table shows them.
    ``capability_answers`` is left out when ``None`` (an instrument without rated levels), so a
    1.0.0 result's JSON has the keys it always had.

    Parameters
    ----------
    result : WaveResult
        The scored wave.

    Returns
    -------
    dict
        The result as JSON-ready data.
    """
    data = result_to_dict(result)
    if (
        isinstance(data, dict)
        and "capability_answers" in data
        and data["capability_answers"] is None
    ):
        del data["capability_answers"]  # 1.0.0: the JSON as before
    return _hide_undefined(result, data) if isinstance(data, dict) else data


def summary_columns(result: WaveResult) -> tuple[str, ...]:
    """The summary's columns, with the capability-level ones for an instrument rating levels.

    :data:`SUMMARY_COLUMNS`, then :data:`CAPABILITY_LEVEL_COLUMNS` when the result has
    capability answers.

    Parameters
    ----------
    result : WaveResult
        The scored wave.

    Returns
    -------
    tuple of str
        The columns, in order.
    """
    if result.capability_answers is None:
        return SUMMARY_COLUMNS
    return SUMMARY_COLUMNS + CAPABILITY_LEVEL_COLUMNS


def _capability_level_cells(result: WaveResult, rows: list[dict[str, Any]]) -> None:
    """Fill :data:`CAPABILITY_LEVEL_COLUMNS` of the summary ``rows`` (a row per capability, then
    ``overall``); cells of a withheld or missing entry stay ``None``."""
    answers = result.capability_answers
    if answers is None:
        return
    checks = {(c.capability_id, c.group): c for c in answers.level_checks}
    points = {(p.capability_id, p.group): p for p in answers.investment}
    for row in rows:
        row.update(dict.fromkeys(CAPABILITY_LEVEL_COLUMNS))
        cap = row["capability"]
        if cap == "overall":
            for pa in answers.priorities:
                key = "priority_w" if pa.group == "organisation" else "priority_w_management"
                row[key] = _num(pa.w, 3)
            continue
        for group, end in (("organisation", ""), ("management", "_management")):
            c = checks.get((cap, group))
            if c is not None and c.n:
                row[f"rated_level{end}"] = _num(c.rated_median, 1)
                row[f"item_level{end}"] = c.item_level
                row[f"level_check{end}"] = c.label
                if group == "organisation":
                    row["level_differs"] = c.differs
            pt = points.get((cap, group))
            if pt is None or not pt.n:
                continue
            row[f"points_mean{end}"] = _num(pt.mean, 1)
            row[f"points_median{end}"] = _num(pt.median, 1)
            row[f"points_rank{end}"] = pt.rank
            if group == "organisation":
                row.update(
                    points_q1=_num(pt.q1, 1),
                    points_q3=_num(pt.q3, 1),
                    points_zero_share=_num(pt.share_zero, 3),
                )


def capability_summary(result: WaveResult) -> list[dict[str, Any]]:
    """One row per capability (and ``overall``): score, CI, level, AGI of management, perception gap.

    Parameters
    ----------
    result : WaveResult
        The scored wave.

    Returns
    -------
    list of dict
        One row per capability, keyed by ``SUMMARY_COLUMNS`` (the default columns of
        :func:`summary_csv`) and, for an instrument with rated levels, also by
        ``CAPABILITY_LEVEL_COLUMNS`` (:func:`summary_columns`).
    """
    perception = {p.capability_id: p for p in result.perception}
    levels = {lv.capability_id: lv for lv in result.levels}
    rows = []
    for s in result.scores:
        row: dict[str, Any] = dict.fromkeys(SUMMARY_COLUMNS)
        row.update(
            capability=s.capability_id,
            name=s.name,
            n=s.n,
            score=_num(s.mean),
            ci_low=_num(s.ci.low),
            ci_high=_num(s.ci.high),
            score_norm=_num(s.mean_norm, 1),
        )
        if s.capability_id in levels:
            row.update(
                level=levels[s.capability_id].level,
                target_level=levels[s.capability_id].target_level,
            )
        for key, basis in (("agi_management", "current"), ("agi_management_target", "target")):
            try:
                agi = result.agi_for(s.capability_id, "management", basis)
            except KeyError:
                continue
            row[key] = _num(agi.value, 1)
            if basis == "current":
                row["agi_band"] = agi.band
        if s.capability_id in perception:
            p = perception[s.capability_id]
            defined = p.label != "undefined"  # a group below min_group: no gap is shown
            row.update(
                perception_gap=_num(p.gap) if defined else None,
                perception=p.label,
                perception_p=_sig(p.p_value) if defined else None,
            )
        rows.append(row)
    try:
        overall = result.agi_for("overall", "management", "current")
        target = result.agi_for("overall", "management", "target")
    except KeyError:
        _capability_level_cells(result, rows)
        return rows
    row = dict.fromkeys(SUMMARY_COLUMNS)
    row.update(
        capability="overall",
        name="Overall (weighted)",
        agi_management=_num(overall.value, 1),
        agi_band=overall.band,
        agi_management_target=_num(target.value, 1),
    )
    rows.append(row)
    _capability_level_cells(result, rows)
    return rows


def summary_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] = SUMMARY_COLUMNS) -> str:
    """``rows`` as CSV with a header of ``columns``; the one CSV writer of the CLI's data.

    ``None`` is an empty cell, and text cells are neutralised against spreadsheet formulas
    (:func:`assessment.io.cells.neutralise`, the rule every CSV/XLSX writer of the product uses).

    Parameters
    ----------
    rows : sequence of dict
        The rows (e.g. :func:`capability_summary`).
    columns : sequence of str, optional
        The columns, in order; by default those of :func:`capability_summary`.

    Returns
    -------
    str
        The CSV text.
    """
    from assessment.io.cells import neutralise_cell

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([neutralise_cell(c) for c in columns])
    for row in rows:
        writer.writerow(
            ["" if row.get(c) is None else neutralise_cell(row.get(c)) for c in columns]
        )
    return buf.getvalue()


def result_json(result: WaveResult) -> str:
    """The JSON text of :func:`result_dict`, ending in a newline; NaN is refused, not written.

    Parameters
    ----------
    result : WaveResult
        The scored wave.

    Returns
    -------
    str
        The JSON document.
    """
    return json.dumps(result_dict(result), indent=1, ensure_ascii=False, allow_nan=False) + "\n"
