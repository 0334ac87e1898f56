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
    """Responses with the instrument they were validated against, and warnings worth showing.

    Attributes
    ----------
    instrument : Instrument
        The instrument version the responses were validated against.
    responses : ResponseSet
        The wave's validated responses.
    warnings : tuple of str
        Things that are not errors but may change the results (:func:`response_warnings`).
    """

    instrument: Instrument
    responses: ResponseSet
    warnings: tuple[str, ...] = ()


def load_instrument_ref(ref: str | None) -> Instrument | None:
    """An instrument by reference: ``id@version``, ``id`` (newest version) or a YAML file's path.

    Parameters
    ----------
    ref : str or None
        The reference; ``None`` (or empty) stays ``None``.

    Returns
    -------
    Instrument or None
        The instrument, ``None`` when ``ref`` is.
    """
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

    Parameters
    ----------
    paths : sequence of str or Path
        The response files.
    instrument_ref : str or None, optional
        The instrument (as :func:`load_instrument_ref`); ``None``: the one a file declares, else
        the newest ``customer-centricity``.
    wave : str or None, optional
        The wave to read (it fills rows that name no wave).
    action : str, default 'scored'
        The verb of the :class:`ResponseError` message: nothing was ``action``.

    Returns
    -------
    LoadedResponses
        The validated wave.
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
    """One wave from the database, validated against the instrument version it is bound to.

    Parameters
    ----------
    db : str or None
        The database: URL or SQLite path; ``None``: ``$CENTRIC_DB``, else the default database.
    org : str
        The organisation's slug.
    wave : str
        The wave id.
    instrument_ref : str or None, optional
        A YAML file that supplies the wave's instrument version (as :func:`load_instrument_ref`).

    Returns
    -------
    LoadedResponses
        The stored wave.
    """
    from assessment.store.repository import load_wave_responses

    instrument = load_instrument_ref(instrument_ref)
    return from_response_set(load_wave_responses(db, org, wave, instrument=instrument), instrument)


def from_response_set(rs: ResponseSet, instrument: Instrument | None = None) -> LoadedResponses:
    """Wrap a ResponseSet from elsewhere (the store, the generator) with its instrument.

    Parameters
    ----------
    rs : ResponseSet
        The responses.
    instrument : Instrument or None, optional
        Their instrument; ``None`` looks up the version ``rs`` names.

    Returns
    -------
    LoadedResponses
        ``rs`` with its instrument and :func:`response_warnings`.
    """
    from questionnaires.catalogue import get_instrument

    inst = instrument or get_instrument(rs.instrument_ref)
    return LoadedResponses(inst, rs, tuple(response_warnings(rs)))


def response_warnings(rs: ResponseSet) -> list[str]:
    """Things that are not errors but may change the results.

    What the reader noted (ignored columns, respondent ids differing only by case) and
    respondents with no rating at all.

    Parameters
    ----------
    rs : ResponseSet
        The responses.

    Returns
    -------
    list of str
        One message per warning.
    """
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

    Parameters
    ----------
    loaded : LoadedResponses
        The validated wave.
    options : ScoreOptions or None, optional
        Scoring options; ``None`` for the defaults. ``options.management_roles=None`` (the
        default) means the instrument's management roles.

    Returns
    -------
    WaveResult
        The wave's full (unsuppressed) result.
    """
    from scoring.wave import score_wave

    return score_wave(loaded.instrument, loaded.responses, options)


def _ids(loaded: LoadedResponses) -> list[str]:
    return [r.id for r in loaded.responses.respondents]
