"""Loading a wave: response files or the database in, validated responses with their instrument
and warnings out, and scoring them (:func:`score_responses`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from questionnaires.errors import ResponseError

if TYPE_CHECKING:
    from questionnaires.answers import ResponseSet
    from questionnaires.model import Instrument
    from scoring.results import ScoreOptions, WaveResult


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
    from questionnaires.catalogue import get_instrument

    return get_instrument(ref)


def load_responses(
    paths: Sequence[str | Path],
    instrument_ref: str | None = None,
    *,
    wave: str | None = None,
    action: str = "scored",
) -> LoadedResponses:
    """Read response files (CSV/JSON/XLSX, long or wide) into one validated wave.

    The instrument is ``instrument_ref`` if given, else the one a file declares, else the
    newest ``customer-centricity``. A :class:`ResponseError` says nothing was ``action``.
    """
    from assessment.io.responses import read_wave

    try:
        inst, rs = read_wave(list(paths), load_instrument_ref(instrument_ref), wave=wave)
    except ResponseError as exc:
        raise exc.for_action(action) from None
    return LoadedResponses(inst, rs, tuple(response_warnings(rs)))


def load_stored_responses(
    db: str | None, org: str, wave: str, instrument_ref: str | None = None
) -> LoadedResponses:
    """One wave from the database (``db``: URL or SQLite path), validated against the instrument
    version it is bound to (``instrument_ref`` may supply that version as a YAML file)."""
    from assessment.store.repository import load_wave_responses

    instrument = load_instrument_ref(instrument_ref)
    return from_response_set(load_wave_responses(db, org, wave, instrument=instrument), instrument)


def from_response_set(rs: ResponseSet, instrument: Instrument | None = None) -> LoadedResponses:
    """Wrap a ResponseSet from elsewhere (the store, the generator) with its instrument."""
    from questionnaires.catalogue import get_instrument

    inst = instrument or get_instrument(rs.instrument_ref)
    return LoadedResponses(inst, rs, tuple(response_warnings(rs)))


def response_warnings(rs: ResponseSet) -> list[str]:
    """Things that are not errors but may change the results: what the reader noted (ignored
    columns, respondent ids differing only by case) and respondents with no rating at all."""
    import numpy as np

    empty = np.isnan(rs.current).all(axis=1) & np.isnan(rs.target).all(axis=1)
    out = list(rs.notes)
    if empty.any():
        ids = [rs.respondents[i].id for i in np.flatnonzero(empty)]
        shown = ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        out.append(
            f"{len(ids)} respondent{'s' * (len(ids) != 1)} answered every item N/A or left it "
            f"empty and {'have' if len(ids) != 1 else 'has'} no scores: {shown}"
        )
    return out


def score_responses(loaded: LoadedResponses, options: ScoreOptions | None = None) -> WaveResult:
    """Score one wave with :func:`scoring.score_wave` (which refuses a wave without respondents).

    ``options.management_roles=None`` (the default) means the instrument's management roles.
    """
    from scoring.wave import score_wave

    return score_wave(loaded.instrument, loaded.responses, options)


def _ids(loaded: LoadedResponses) -> list[str]:
    return [r.id for r in loaded.responses.respondents]
