"""Use cases shared by the CLI, the web app and the demo: load responses, score a wave, save results.

Thin glue between :mod:`assessment.io`, :mod:`scoring` and the output files. Each function does one
use case and raises :class:`~assessment.errors.CentricError` subclasses for user errors.

Result files:

- ``results-<wave>.json``: the full :class:`~scoring.results.WaveResult` as JSON
  (dataclass fields in declaration order, tuples as lists, ``NaN``/``inf`` as ``null``);
- ``results-<wave>.csv``: one row per capability, the columns of :data:`SUMMARY_COLUMNS`.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.errors import ScoringError

if TYPE_CHECKING:
    from assessment.model import Instrument
    from assessment.responses import ResponseSet
    from scoring.results import ScoreOptions, WaveResult

__all__ = [
    "SUMMARY_COLUMNS",
    "DemoRun",
    "LoadedResponses",
    "capability_summary",
    "from_response_set",
    "load_instrument_ref",
    "load_responses",
    "response_warnings",
    "result_json",
    "result_to_dict",
    "run_demo",
    "score_responses",
    "summary_csv",
    "write_result_files",
]

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


@dataclass(frozen=True)
class LoadedResponses:
    """Responses with the instrument they were validated against, and warnings worth showing."""

    instrument: Instrument
    responses: ResponseSet
    warnings: tuple[str, ...] = ()


def load_instrument_ref(ref: str | None) -> Instrument | None:
    """``id@version``, ``id`` (newest version) or a path to a YAML file; ``None`` stays ``None``."""
    if not ref:
        return None
    from assessment.model import get_instrument

    return get_instrument(ref)


def load_responses(
    paths: Sequence[str | Path], instrument_ref: str | None = None, *, wave: str | None = None
) -> LoadedResponses:
    """Read response files (CSV/JSON/XLSX, long or wide) into one validated wave.

    The instrument is ``instrument_ref`` if given, else the one a JSON file declares, else the
    newest ``customer-centricity``.
    """
    from assessment.io.responses import read_wave

    inst, rs = read_wave(list(paths), load_instrument_ref(instrument_ref), wave=wave)
    return LoadedResponses(inst, rs, tuple(response_warnings(rs)))


def from_response_set(rs: ResponseSet, instrument: Instrument | None = None) -> LoadedResponses:
    """Wrap a ResponseSet from elsewhere (the store, the generator) with its instrument."""
    from assessment.model import get_instrument

    inst = instrument or get_instrument(rs.instrument_ref)
    return LoadedResponses(inst, rs, tuple(response_warnings(rs)))


def response_warnings(rs: ResponseSet) -> list[str]:
    """Things that are not errors but change the results: respondents with no rating at all."""
    import numpy as np

    empty = np.isnan(rs.current).all(axis=1) & np.isnan(rs.target).all(axis=1)
    out = []
    if empty.any():
        ids = [rs.respondents[i].id for i in np.flatnonzero(empty)]
        shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        out.append(
            f"{len(ids)} respondent{'s' * (len(ids) != 1)} answered every item N/A or left it "
            f"empty and {'have' if len(ids) != 1 else 'has'} no scores: {shown}"
        )
    return out


def score_responses(loaded: LoadedResponses, options: ScoreOptions | None = None) -> WaveResult:
    """Score one wave with :func:`scoring.score_wave`."""
    try:
        from scoring.wave import score_wave
    except ImportError as exc:  # pragma: no cover - only while scoring.wave is missing
        raise ScoringError(
            f"the scoring engine is not available in this installation ({exc})"
        ) from None
    if loaded.responses.n_respondents == 0:
        raise ScoringError(f"{loaded.responses.source}: no respondents to score")
    return score_wave(loaded.instrument, loaded.responses, options)


# -- results as plain data ---------------------------------------------------------------------


def result_to_dict(obj: Any) -> Any:
    """Dataclasses → dicts (field order kept), tuples → lists, NaN/±inf → ``None``; JSON-ready."""
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


def capability_summary(result: WaveResult) -> list[dict[str, Any]]:
    """One row per capability (and ``overall``): score, CI, level, AGI of management, perception gap."""
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
            row.update(
                perception_gap=_num(p.gap), perception=p.label, perception_p=_num(p.p_value, 3)
            )
        rows.append(row)
    try:
        overall = result.agi_for("overall", "management", "current")
        target = result.agi_for("overall", "management", "target")
    except KeyError:
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
    return rows


def summary_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] = SUMMARY_COLUMNS) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return buf.getvalue()


def result_json(result: WaveResult) -> str:
    return json.dumps(result_to_dict(result), indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def write_result_files(
    result: WaveResult, out_dir: str | Path, stem: str | None = None
) -> list[Path]:
    """Write ``<stem>.json`` (full result) and ``<stem>.csv`` (capability summary) atomically."""
    from assessment.io.atomic import atomic_write_text

    out = Path(out_dir)
    stem = stem or f"results-{result.wave}"
    return [
        atomic_write_text(out / f"{stem}.json", result_json(result)),
        atomic_write_text(out / f"{stem}.csv", summary_csv(capability_summary(result))),
    ]


# -- demo --------------------------------------------------------------------------------------


@dataclass
class DemoRun:
    """What ``centric demo`` produced: the generated waves, their results, the files written."""

    instrument: Instrument
    waves: list[ResponseSet]
    results: list[WaveResult]
    files: list[Path] = field(default_factory=list)


def run_demo(
    out_dir: str | Path,
    *,
    seed: int | None = None,
    instrument: Instrument | None = None,
    options: ScoreOptions | None = None,
) -> DemoRun:
    """Generate both Northwind waves, score them, and write responses and results into ``out_dir``.

    Everything is computed before the first file is written, and every file is written atomically,
    so an error leaves no partial output. Files: ``northwind-<wave>.csv`` (long responses),
    ``results-<wave>.json`` and ``results-<wave>.csv``.
    """
    from assessment.io.writers import write_csv
    from assessment.model import get_instrument
    from assessment.synthetic import DEFAULT_SEED, northwind_waves

    inst = instrument or get_instrument("customer-centricity")
    waves = northwind_waves(seed=DEFAULT_SEED if seed is None else seed, instrument=inst)
    results = [score_responses(LoadedResponses(inst, rs), options) for rs in waves]
    out = Path(out_dir)
    run = DemoRun(inst, waves, results)
    for rs, res in zip(waves, results, strict=True):
        run.files.append(write_csv(rs, out / f"northwind-{rs.wave}.csv"))
        run.files.extend(write_result_files(res, out))
    return run
