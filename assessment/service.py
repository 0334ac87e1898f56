"""Use cases shared by the CLI, the web app and the demo: load responses, score a wave, save results,
build the team, personal and trend PDF reports, import a response file into the database and export
it again.

Glue between :mod:`assessment.io` (files), :mod:`assessment.store` (the database) and
:mod:`scoring`; those layers do not import each other. Each function does one use case and raises
:class:`~questionnaires.errors.CentricError` subclasses for user errors.

Result files:

- ``results-<wave>.json``: :meth:`ScoreOutput.json`: ``identifying``, then (safe output)
  ``min_group`` and ``withheld``, then the :class:`~scoring.results.WaveResult` after
  :func:`safe_result` (dataclass fields in declaration order, tuples as lists, ``NaN``/``inf``
  as ``null``);
- ``results-<wave>.csv``: one row per capability, the columns of :data:`SUMMARY_COLUMNS`.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import gc
import io
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from questionnaires.errors import Problem, ReportError, ResponseError, StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from assessment.store.service import WriteResult
    from questionnaires.answers import ResponseRecord, ResponseSet
    from questionnaires.model import Instrument
    from reports.anonymity import EarlierReport
    from reports.batch import Writer
    from reports.options import ReportOptions
    from scoring.results import BusinessCaseParams, ScoreOptions, WaveResult

__all__ = [
    "DEFAULT_MAX_MB",
    "IDENTIFYING_WARNING",
    "IMPORTABLE",
    "REPORT_MANIFEST",
    "SUMMARY_COLUMNS",
    "DemoRun",
    "ImportResult",
    "LoadedResponses",
    "ReportLedger",
    "ScoreOutput",
    "Withheld",
    "capability_summary",
    "export_file",
    "from_response_set",
    "import_file",
    "individual_report",
    "individual_reports",
    "load_instrument_ref",
    "load_responses",
    "load_stored_responses",
    "report_ledger",
    "report_score_options",
    "respondent_digest",
    "response_warnings",
    "result_dict",
    "result_json",
    "result_to_dict",
    "run_demo",
    "safe_result",
    "score_output",
    "score_responses",
    "summary_csv",
    "team_report",
    "trend_report",
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
    from assessment.store.service import load_wave_responses

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


# -- reports ------------------------------------------------------------------------------------
#
# Each report use case refuses a wave with fewer than k = ``options.min_group`` respondents (unless
# ``options.named_workshop``) before scoring, scores it with the report's k and the instrument's
# management roles, and renders with :mod:`reports`; WeasyPrint and matplotlib load only here.


def report_score_options(k: int, business: BusinessCaseParams | None = None) -> ScoreOptions:
    """Scoring options for a report with anonymity threshold ``k``: ``min_group = max(k, 3)``, the
    instrument's management roles (``management_roles=None``), the other defaults of
    ``docs/methodology.md``.

    Group statistics (AGI, perception gap, department means) thus need ``max(k, 3)`` respondents in
    scoring too: a named workshop may show groups below 3 in the report, but an AGI is never
    computed from fewer than 3 people (``docs/methodology.md#4-alignment-gap-index-agi``).
    ``business``: the business-case parameters
    (``None`` = Wood's worked example).
    """
    from scoring.results import ScoreOptions

    return ScoreOptions(min_group=max(k, 3), management_roles=None, business=business)


def _require_k(loaded: LoadedResponses, options: ReportOptions, report: str) -> None:
    """Refuse a wave with fewer than k respondents before scoring and rendering."""
    from reports.anonymity import require_population

    rs = loaded.responses
    require_population(rs.n_respondents, options.min_group, options.named_workshop, report, rs.wave)


def _score_for_report(loaded: LoadedResponses, options: ReportOptions) -> WaveResult:
    return score_responses(loaded, report_score_options(options.min_group))


# -- the report ledger (issue 8, item 4) ---------------------------------------------------------
#
# Every report and safe score output written is recorded with the respondents it covered, always
# in the user's ledger file (one per user, whatever folder the files go to), also in the database
# when the wave was read from one, and in a manifest next to report files read from response
# files (provenance). A new output is checked against the union of all three, in digest space
# (reports.anonymity.check_reissue: pairs differing by 1..k-1 people, chains isolating one).

REPORT_MANIFEST = "centric-reports.json"
_MANIFEST_FORMAT = "centric-reports"
LEDGER_ENV = "CENTRIC_LEDGER"
_LEDGER_FORMAT = "centric-report-ledger"
_ERASED = "erased:"


def user_ledger_path() -> Path:
    """The user's report ledger: ``$CENTRIC_LEDGER`` if set, else
    ``${XDG_DATA_HOME:-~/.local/share}/centric/report-ledger.json`` (a relative
    ``XDG_DATA_HOME`` is ignored, as the XDG specification says)."""
    import os

    env = os.environ.get(LEDGER_ENV)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME") or ""
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "centric" / "report-ledger.json"


def _norm(text: str) -> str:
    return text.strip().casefold()


def respondent_digest(wave: str, respondent: str) -> str:
    """SHA-256 (hex) of the normalised ``wave``, a NUL and the normalised ``respondent``
    (``strip().casefold()``): how every ledger compares respondents, so ``R017`` and ``r017 ``
    are one person, and how the ledger files name them (never the id itself)."""
    import hashlib

    return hashlib.sha256(f"{_norm(wave)}\0{_norm(respondent)}".encode()).hexdigest()


def _damaged(path: Path, what: str) -> ReportError:
    return ReportError(
        f"{path}: {what}; restore it from a backup, or move it away to start an empty one (the "
        "guard then forgets every earlier report: comparing a new report with one of them "
        "could reveal a person's answers)"
    )


def _read_records(path: Path, fmt: str, noun: str) -> list[dict[str, Any]]:
    """The ``reports`` list of a ledger or manifest file (missing or empty file: none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise _damaged(path, f"the {noun} cannot be read ({exc})") from None
    if not text.strip():  # created (0600) but never written
        return []
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _damaged(path, f"the {noun} cannot be read ({exc})") from None
    reports = data.get("reports") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("format") != fmt
        or not isinstance(reports, list)
        or not all(
            isinstance(r, dict)
            and isinstance(r.get("respondents"), list)
            and isinstance(r.get("wave"), str)
            for r in reports
        )
    ):
        raise _damaged(path, f"not a centric {noun}")
    return reports


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` + ``.lock`` (POSIX ``flock``; no lock where there is none)
    for a read-check-write of the ledger, so two runs cannot both pass the check."""
    import os

    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    from assessment.io.atomic import cannot_write

    lock = path.with_name(path.name + ".lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise cannot_write(lock, exc, "lock") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _private_folder(path: Path) -> None:
    """Create the ledger's folder (and parents) if missing, the folder itself with mode 0700;
    an existing folder is left as it is (``$CENTRIC_LEDGER`` may point into ``/tmp``)."""
    from assessment.io.atomic import cannot_write

    folder = path.parent
    if folder.is_dir():
        return
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir(mode=0o700)
        folder.chmod(0o700)  # mkdir's mode is masked by the umask
    except FileExistsError:
        pass
    except OSError as exc:
        raise cannot_write(folder, exc, "create the folder") from None


def _write_private(path: Path, text: str) -> None:
    """Write the ledger atomically with mode 0600 (an existing file is made 0600 first, so the
    atomic writer, which keeps a file's mode, keeps that)."""
    import os

    from assessment.io.atomic import atomic_write_text, cannot_write

    _private_folder(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    atomic_write_text(path, text)


@dataclass(frozen=True)
class ReportLedger:
    """Where the reports of a wave are recorded and looked up (all that are set):

    - ``user``: the user's ledger file (:func:`user_ledger_path`; :func:`report_ledger` always
      sets it), JSON ``{"format": "centric-report-ledger", "version": 1, "reports": [...]}``,
      mode 0600 in a 0700 folder, written atomically under a lock;
    - ``db`` and ``org``: the database's ``reports``/``report_respondents`` tables (codes, or
      ``erased:`` placeholders after an erasure), digested on reading;
    - ``folder``: the manifest :data:`REPORT_MANIFEST` next to report files (provenance).

    A record holds kind, wave, path, data, instrument and file hashes, whether it was a reissue,
    and the respondents as :func:`respondent_digest` values, never ids or answers.
    """

    folder: Path | None = None
    db: str | None = None
    org: str | None = None
    user: Path | None = None

    @property
    def manifest(self) -> Path | None:
        return None if self.folder is None else Path(self.folder) / REPORT_MANIFEST

    def keys(self, wave: str, ids: Sequence[str]) -> frozenset[str]:
        """How every ledger compares respondents: their :func:`respondent_digest`."""
        return frozenset(respondent_digest(wave, i) for i in ids)

    def _read(self) -> list[dict[str, Any]]:
        path = self.manifest
        return [] if path is None else _read_records(path, _MANIFEST_FORMAT, "report manifest")

    def _read_user(self) -> list[dict[str, Any]]:
        return (
            [] if self.user is None else _read_records(self.user, _LEDGER_FORMAT, "report ledger")
        )

    def earlier(self, wave: str) -> list[EarlierReport]:
        """The outputs recorded for ``wave`` (wave ids compared normalised) in every ledger,
        oldest first per ledger: the user's, the database's, the manifest's."""
        from reports.anonymity import EarlierReport

        out: list[EarlierReport] = []
        seen: set[tuple[Any, ...]] = set()  # one report found in two ledgers is named once

        def add(name: str, kind: Any, path: Any, data: Any, respondents: frozenset[str]) -> None:
            key = (kind, Path(str(path)).name, data, respondents)
            if key not in seen:
                seen.add(key)
                out.append(EarlierReport(name, respondents))

        for r in self._read_user():
            if _norm(r["wave"]) == _norm(wave):
                noun = "output" if r.get("kind") == "score" else "report"
                add(
                    f"{r.get('kind')} {noun} {r.get('path')} (recorded {r.get('created_at')})",
                    r.get("kind"),
                    r.get("path"),
                    r.get("data_hash"),
                    frozenset(str(x) for x in r["respondents"]),
                )
        if self.db is not None:
            from assessment.store import reports

            for row in reports(self.db, self.org or "", wave):
                add(
                    f"{row['kind']} report {row['path']} (recorded {row['created_at']})",
                    row["kind"],
                    row["path"],
                    row["data_hash"],
                    self.keys(wave, list(row["respondents"])),
                )
        for r in self._read():
            if _norm(r["wave"]) == _norm(wave):
                add(
                    f"{r.get('kind')} report {r.get('file')}",
                    r.get("kind"),
                    r.get("file"),
                    r.get("data_hash"),
                    frozenset(str(x) for x in r["respondents"]),
                )
        return out

    def check(
        self, wave: str, ids: Sequence[str], k: int, allow_reissue: bool
    ) -> tuple[EarlierReport, ...]:
        """:func:`reports.anonymity.check_reissue` of ``ids`` against :meth:`earlier`."""
        from reports.anonymity import check_reissue

        return check_reissue(self.keys(wave, ids), self.earlier(wave), k, wave, allow_reissue)

    def record(
        self,
        result: WaveResult,
        *,
        kind: str,
        path: Path,
        respondents: Sequence[str],
        pdf: bytes,
        respondent: str | None = None,
        into: Path | None = None,
        k: int | None = None,
        reissue: bool = False,
    ) -> None:
        """Record one output of ``result.wave`` covering ``respondents`` (written next) in each
        ledger.

        ``k``: check again first, under the user ledger's lock, that no other run recorded a
        conflicting output meanwhile (refused unless ``reissue``, i.e. the output was made as a
        reissue). ``into``: write the manifest (with the earlier records of :attr:`folder`) into
        that folder instead, a staging folder moved into place with the reports."""
        import datetime as dt
        import hashlib

        now = dt.datetime.now(dt.UTC)
        file_hash = hashlib.sha256(pdf).hexdigest() if pdf else None
        digests = sorted(self.keys(result.wave, respondents))
        entry = {
            "kind": kind,
            "wave": result.wave,
            "path": "(stdout)" if str(path) == "-" else str(Path(path).absolute()),
            "created_at": now.isoformat(timespec="seconds"),
            "organisation": self.org if self.db is not None else None,
            "data_hash": result.data_hash,
            "instrument_hash": result.instrument_hash,
            "file_hash": file_hash,
            "reissue": reissue,
            "respondent": respondent_digest(result.wave, respondent) if respondent else None,
            "respondents": digests,
        }
        with contextlib.ExitStack() as stack:
            if self.user is not None:
                _private_folder(self.user)
                stack.enter_context(_locked(self.user))
            if k is not None:
                self.check(result.wave, respondents, k, reissue)
            if self.user is not None:
                records = self._read_user()
                records.append(entry)
                _write_private(self.user, _ledger_text(records))
            if self.db is not None:
                from assessment.store import record_report

                record_report(
                    self.db,
                    self.org or "",
                    result.wave,
                    kind=kind,
                    data_hash=result.data_hash,
                    instrument_hash=result.instrument_hash,
                    path=str(path),
                    created_at=now,
                    file_hash=file_hash,
                    respondent=respondent,
                    respondents=sorted(respondents),
                )
                return
            manifest = self.manifest
            if manifest is None:  # written to a device: nowhere to keep a manifest
                return
            if into is not None:
                manifest = Path(into) / REPORT_MANIFEST
            reports = self._read()
            reports.append(
                {
                    "kind": kind,
                    "wave": result.wave,
                    "file": Path(path).name,
                    "data_hash": result.data_hash,
                    "instrument_hash": result.instrument_hash,
                    "file_hash": file_hash,
                    "respondent": entry["respondent"],
                    "respondents": digests,
                }
            )
            from assessment.io.atomic import atomic_write_text

            text = json.dumps(
                {"format": _MANIFEST_FORMAT, "version": 2, "reports": reports}, indent=1
            )
            atomic_write_text(manifest, text + "\n")


def _ledger_text(records: list[dict[str, Any]]) -> str:
    return json.dumps({"format": _LEDGER_FORMAT, "version": 1, "reports": records}, indent=1) + "\n"


def erase_from_user_ledger(
    waves: Sequence[str], respondent: str, org: str | None = None, path: Path | None = None
) -> int:
    """Replace ``respondent``'s digest in the user ledger's records of ``waves`` by a random
    ``erased:`` placeholder, a different one per record (as the database does: the records keep
    counting the person, so the guard still sees a change of one, but nothing links the
    placeholder to them). Records of another organisation are left alone; records of reports
    read from files (no organisation) are changed. Returns the number of records changed."""
    import secrets

    ledger = path or user_ledger_path()
    if not ledger.exists():
        return 0
    changed = 0
    with _locked(ledger):
        records = _read_records(ledger, _LEDGER_FORMAT, "report ledger")
        for wave in waves:
            digest = respondent_digest(wave, respondent)
            for r in records:
                if _norm(r["wave"]) != _norm(wave) or r.get("organisation") not in (None, org):
                    continue
                hit = False
                if digest in r["respondents"]:
                    r["respondents"] = sorted(
                        _ERASED + secrets.token_hex(16) if x == digest else x
                        for x in r["respondents"]
                    )
                    hit = True
                if r.get("respondent") == digest:
                    r["respondent"] = _ERASED + secrets.token_hex(16)
                    hit = True
                changed += hit
        if changed:
            _write_private(ledger, _ledger_text(records))
    return changed


def report_ledger(
    output: str | Path | None = None,
    *,
    db: str | None = None,
    org: str | None = None,
    folder: bool = False,
) -> ReportLedger:
    """The ledger for an output written to ``output`` (a file, or with ``folder`` the folder of
    ``--all``; ``None``: stdout): always the user's ledger file (:func:`user_ledger_path`); also
    the database when ``db`` and ``org`` are given (the wave was read from it), else the
    manifest in the output's folder (none for a device such as ``/dev/stdout`` or stdout: no
    manifest is written into the current folder)."""
    user = user_ledger_path()
    if db is not None and org:
        return ReportLedger(db=db, org=org, user=user)
    if output is None:
        return ReportLedger(user=user)
    out = Path(output)
    if folder:
        return ReportLedger(folder=out, user=user)
    if out.is_char_device():
        return ReportLedger(user=user)
    return ReportLedger(folder=out.parent, user=user)


def _guard(
    ledger: ReportLedger | None,
    waves: Sequence[LoadedResponses],
    options: ReportOptions,
    allow_reissue: bool,
) -> ReportOptions:
    """Rules 6 and 7 of :mod:`reports.anonymity` for each wave: refuse, or mark the report a
    reissue."""
    from dataclasses import replace

    if ledger is None or options.named_workshop:
        return options
    clash = False
    for lr in waves:
        clash |= bool(ledger.check(lr.responses.wave, _ids(lr), options.min_group, allow_reissue))
    return replace(options, reissue=True) if clash else options


def _ids(loaded: LoadedResponses) -> list[str]:
    return [r.id for r in loaded.responses.respondents]


def _recheck(options: ReportOptions) -> dict[str, Any]:
    """``record``'s re-check under the ledger lock: none for a named workshop."""
    return {"k": None if options.named_workshop else options.min_group, "reissue": options.reissue}


def _record(
    ledger: ReportLedger | None,
    result: WaveResult,
    loaded: LoadedResponses,
    options: ReportOptions,
    *,
    kind: str,
    path: str | Path,
    pdf: bytes,
    respondent: str | None = None,
) -> None:
    """Record one rendered report of ``loaded`` in ``ledger`` (nothing without a ledger)."""
    if ledger is None:
        return
    ledger.record(
        result,
        kind=kind,
        path=Path(path),
        respondents=_ids(loaded),
        pdf=pdf,
        respondent=respondent,
        **_recheck(options),
    )


def team_report(
    loaded: LoadedResponses,
    options: ReportOptions,
    *,
    ledger: ReportLedger | None = None,
    path: str | Path = "team-report.pdf",
    allow_reissue: bool = False,
) -> bytes:
    """The team/workshop report of one wave as PDF bytes (a :class:`ReportError` below k).

    With a ``ledger`` the report is checked against the earlier reports of the wave (refused, or
    a reissue with ``allow_reissue``) and recorded as ``path`` before the bytes are returned.
    """
    from reports import render_team_pdf

    _require_k(loaded, options, "team report")
    options = _guard(ledger, [loaded], options, allow_reissue)
    result = _score_for_report(loaded, options)
    pdf = render_team_pdf(result, loaded.responses, loaded.instrument, options)
    _record(ledger, result, loaded, options, kind="team", path=path, pdf=pdf)
    return pdf


def individual_report(
    loaded: LoadedResponses,
    options: ReportOptions,
    respondent: str,
    *,
    ledger: ReportLedger | None = None,
    path: str | Path = "individual-report.pdf",
    allow_reissue: bool = False,
) -> bytes:
    """One respondent's personal report as PDF bytes; the wave needs k respondents, as the report
    compares the respondent with the team. ``ledger``: as :func:`team_report`."""
    from reports import render_individual_pdf

    _require_k(loaded, options, "personal report (it compares with the team)")
    options = _guard(ledger, [loaded], options, allow_reissue)
    result = _score_for_report(loaded, options)
    pdf = render_individual_pdf(result, loaded.responses, loaded.instrument, respondent, options)
    _record(
        ledger,
        result,
        loaded,
        options,
        kind="individual",
        path=path,
        pdf=pdf,
        respondent=respondent,
    )
    return pdf


def individual_reports(
    loaded: LoadedResponses,
    options: ReportOptions,
    out_dir: str | Path,
    *,
    workers: int = 2,
    check_path: Callable[[Path], None] | None = None,
    progress: Callable[[Path], None] | None = None,
    write: Writer | None = None,
    ledger: ReportLedger | None = None,
    allow_reissue: bool = False,
) -> list[Path]:
    """One personal report per respondent into ``out_dir`` (created one level deep if missing);
    returns the paths written, in respondent id order.

    Before scoring: the wave must have k respondents, the ``ledger`` (as :func:`team_report`)
    must allow the reports, and ``check_path`` (e.g. "never overwrite an input file") is called
    with every file that will be written, so a refused name costs nothing.
    ``write(path, pdf)`` defaults to :func:`assessment.io.atomic.atomic_write_bytes`. The set is
    recorded in the ledger once (kind ``individual``, path ``out_dir``, no file hash) after
    scoring, once the staging folder exists and before the first report is written: a manifest
    is written into the staging folder and moved into place with the reports (one unit; it was
    written before ``out_dir`` existed), a database record is committed then.
    """
    from assessment.io.atomic import atomic_write_bytes
    from reports.batch import individual_filenames, write_individual_reports

    _require_k(loaded, options, "personal report (it compares with the team)")
    options = _guard(ledger, [loaded], options, allow_reissue)
    ids = _ids(loaded)
    if check_path is not None:
        for name in individual_filenames(ids).values():
            check_path(Path(out_dir) / name)
    result = _score_for_report(loaded, options)

    def record(stage: Path) -> None:
        if ledger is not None:  # one record for the set: N records of N people would grow as N²
            ledger.record(
                result,
                kind="individual",
                path=Path(out_dir),
                respondents=ids,
                pdf=b"",
                into=stage,
                **_recheck(options),
            )

    return write_individual_reports(
        result,
        loaded.responses,
        loaded.instrument,
        out_dir,
        options,
        workers=workers,
        progress=progress,
        write=write or atomic_write_bytes,
        before=record,
    )


def trend_report(
    waves: Sequence[LoadedResponses],
    options: ReportOptions,
    *,
    ledger: ReportLedger | None = None,
    path: str | Path = "trend-report.pdf",
    allow_reissue: bool = False,
) -> bytes:
    """The trend report over two or more waves as PDF bytes.

    Waves are put in order by wave id (stable, oldest first: ``2026-H1`` before ``2026-H2``), each
    must have k respondents, each is scored and rendered with its own instrument version. With a
    ``ledger`` each wave is checked and recorded as for :func:`team_report`.
    """
    from reports import render_trend_pdf

    ordered = sorted(waves, key=lambda lr: lr.responses.wave)
    for lr in ordered:
        _require_k(lr, options, "trend report")
    options = _guard(ledger, ordered, options, allow_reissue)
    results = [_score_for_report(lr, options) for lr in ordered]
    pairs = [(lr.instrument, lr.responses) for lr in ordered]
    pdf = render_trend_pdf(results, pairs, options)
    for lr, res in zip(ordered, results, strict=True):
        _record(ledger, res, lr, options, kind="trend", path=path, pdf=pdf)
    return pdf


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
    """The JSON-ready dict of a :class:`WaveResult` (see :func:`result_to_dict`), with the
    numbers of undefined perception gaps hidden (``None``), as the table shows them."""
    data = result_to_dict(result)
    return _hide_undefined(result, data) if isinstance(data, dict) else data


# -- safe analyst output -----------------------------------------------------------------------
#
# `centric score` and the demo's result files apply the reports' anonymity rules
# (reports.anonymity) unless the analyst asks for identifying output.

IDENTIFYING_WARNING = (
    "identifying output: respondent-level scores and groups below the anonymity threshold; "
    "keep it away from the people it describes"
)

_RESPONDENT_COUNT = re.compile(r"has (\d+) respondents?\b")


@dataclass(frozen=True)
class Withheld:
    """A group or statistic left out of safe output, and why (never with the group's size)."""

    group: str  # "department:<key>", "management", "others", "camp:<label>", "item:<id>", ...
    reason: str
    capabilities: tuple[str, ...] = ()  # empty: the whole wave


@dataclass(frozen=True)
class ScoreOutput:
    """What ``centric score`` prints: the (suppressed) result and what was withheld.

    ``identifying`` output is the scored result untouched; otherwise ``result`` went through
    :func:`safe_result`.
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
        return json.dumps(self.as_dict(), indent=indent, ensure_ascii=False, allow_nan=False) + "\n"

    def rows(self) -> list[dict[str, Any]]:
        rows = capability_summary(self.result)
        if self.reissue:
            for row in rows:
                row.update(n=None, perception_gap=None, perception=None, perception_p=None)
                for key in ("score", "ci_low", "ci_high"):
                    row[key] = _num(row[key], 1)
                row["score_norm"] = _num(row["score_norm"], 0)
        return rows

    def csv(self) -> str:
        """The capability summary; identifying output starts with a ``# identifying output``
        line."""
        text = summary_csv(self.rows())
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
    """
    from dataclasses import replace

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
    result = score_responses(loaded, opts)
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
        for key in ("n_management", "n_others"):
            if (entry.get(key) or 0) < k:
                entry[key] = None
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
    for entry in data.get("ambition") or []:
        for key in ("current_mean", "target_mean", "gap"):
            entry[key] = _num(entry.get(key), 1)


def safe_result(
    result: WaveResult, responses: ResponseSet, k: int
) -> tuple[WaveResult, tuple[Withheld, ...]]:
    """``result`` with every number that describes fewer than ``k`` people removed.

    Rules (those of the reports, :mod:`reports.anonymity`; undefined numbers become ``nan``,
    i.e. ``null`` in JSON, hidden groups are dropped):

    - no respondent-level data: ``respondent_scores``/``respondent_targets`` and the alignment
      map's ids, coordinates and camp of each respondent are emptied;
    - departments: primary and secondary (complementary) suppression over department sizes, then
      again per capability over the respondents with a score (a department of k people of whom
      only one has a score would show that score); a hidden department's AGI and mean are
      dropped, and the spread and separation of a capability with a hidden cell are withheld
      (both are functions of the hidden means);
    - management / others: the perception means, gap and p-value, and the group sizes, only when
      both sides have at least k scores and no single respondent's score follows from the
      published sums of the organisation, the shown departments and the two sides
      (:func:`reports.anonymity.isolated_members`); a management AGI from fewer than k scores is
      dropped (as is the roadmap's quote of it);
    - per item, per capability (organisation-wide): statistics from fewer than k answers are
      withheld; a capability scored by 1 to k − 1 people (:func:`reports.anonymity.too_few`,
      as in the report) loses its level entry (level, target level, explanation, items holding
      back), its ambition entry and its roadmap levels and actions; the JSON has no item answer
      distribution and no N/A count at all (:meth:`ScoreOutput.as_dict`);
    - camps of the alignment map: primary and secondary suppression over camp sizes;
    - warnings give no size of a group below k.
    """
    from dataclasses import replace

    from reports.anonymity import suppress_groups

    withheld: list[Withheld] = []
    keys = [r.department_key for r in responses.respondents]
    sizes: dict[str, int] = {}
    for d in keys:
        sizes[d] = sizes.get(d, 0) + 1
    wave_sup = suppress_groups(sizes, k)
    _withhold_departments(wave_sup, k, withheld)
    hidden_caps = [s.capability_id for s in result.scores if 0 < s.n < k]
    if hidden_caps:
        withheld.append(
            Withheld("organisation", f"fewer than {k} respondents with a score", tuple(hidden_caps))
        )
    cells_shown = _department_cells(result, keys, wave_sup, k, withheld)
    perception_shown = _perception_shown(result, responses, keys, cells_shown, k, withheld)
    scores, items, agreement, hidden_items = _withhold_small_counts(result, k, withheld)
    thin = set(hidden_caps)
    # a level, target level, explanation or item holding back a capability of fewer than k
    # people says what they answered: the whole entry goes, as in the report
    levels = tuple(
        replace(
            lv,
            weakest_item_median=nan if lv.weakest_item in hidden_items else lv.weakest_item_median,
        )
        for lv in result.levels
        if lv.capability_id not in thin
    )
    agi = tuple(a for a in result.agi if _agi_shown(a, k, wave_sup.shown, cells_shown))
    mgmt_agi_shown = any(a.group == "management" for a in agi)
    perception = tuple(
        p
        if perception_shown.get(p.capability_id)
        else replace(
            p,
            management_mean=nan,
            others_mean=nan,
            gap=nan,
            p_value=nan,
            exact=False,
            label="undefined",
        )
        for p in result.perception
    )
    ambition = tuple(
        a if mgmt_agi_shown else replace(a, target_agi=nan)
        for a in result.ambition
        if a.capability_id not in thin
    )
    roadmap = _roadmap_without(result.roadmap, thin)
    if not mgmt_agi_shown:
        from reports.views import safe_gate

        roadmap = replace(
            roadmap,
            stages=tuple(
                replace(st, decision_gate=safe_gate(st.decision_gate, False))
                for st in roadmap.stages
            ),
        )

    def safe_warning(w: str) -> str:
        return _RESPONDENT_COUNT.sub(
            lambda m: m.group(0) if int(m.group(1)) >= k else f"has fewer than {k} respondents", w
        )

    safe = replace(
        result,
        scores=scores,
        levels=levels,
        items=items,
        agreement=agreement,
        agi=agi,
        perception=perception,
        silos=_safe_silos(result, cells_shown, k),
        ambition=ambition,
        alignment_map=_safe_map(result.alignment_map, k, withheld),
        roadmap=roadmap,
        warnings=tuple(safe_warning(w) for w in result.warnings),
    )
    return safe, tuple(withheld)


nan = float("nan")


def _withhold_departments(wave_sup: Any, k: int, withheld: list[Withheld]) -> None:
    from scoring.results import department_group

    for d in wave_sup.primary:
        withheld.append(Withheld(department_group(d), f"fewer than {k} respondents"))
    for d in wave_sup.secondary:
        withheld.append(
            Withheld(
                department_group(d),
                "hidden so that a smaller department cannot be worked out by subtraction",
            )
        )


def _department_cells(
    result: WaveResult, keys: list[str], wave_sup: Any, k: int, withheld: list[Withheld]
) -> dict[str, set[str]]:
    """Departments shown per capability: suppression again over the respondents with a score
    (a department of k people of whom only one has a score would show that score)."""
    from reports.anonymity import suppress_cells
    from scoring.results import department_group

    cells_shown: dict[str, set[str]] = {}
    cell_hidden: dict[str, list[str]] = {}
    for s in result.scores:
        sup = suppress_cells(keys, s.respondent_scores, k, hidden=wave_sup.hidden)
        cells_shown[s.capability_id] = set(sup.shown)
        for d in sup.hidden:
            if d not in wave_sup.hidden:
                cell_hidden.setdefault(d, []).append(s.capability_id)
    for d, caps in sorted(cell_hidden.items()):
        withheld.append(
            Withheld(
                department_group(d),
                f"fewer than {k} respondents with a score, or hidden so that such a cell cannot "
                "be worked out by subtraction",
                tuple(caps),
            )
        )
    return cells_shown


def _perception_shown(
    result: WaveResult,
    responses: ResponseSet,
    keys: list[str],
    cells_shown: dict[str, set[str]],
    k: int,
    withheld: list[Withheld],
) -> dict[str, bool]:
    """Per capability: may the management / others split be shown? Both sides need k scores and
    no one's score may follow from the published sums (:func:`reports.anonymity.isolated_members`)."""
    from reports.anonymity import isolated_members

    mgmt_roles = set(result.options.management)
    is_mgmt = [r.role in mgmt_roles for r in responses.respondents]
    shown: dict[str, bool] = {}
    for s in result.scores:
        c = s.capability_id
        scored = [i for i, v in enumerate(s.respondent_scores) if not math.isnan(v)]
        m = {i for i in scored if is_mgmt[i]}
        o = set(scored) - m
        ok = len(m) >= k and len(o) >= k and len(scored) >= k
        if ok:
            published = [set(scored), m, o] + [
                {i for i in scored if keys[i] == d} for d in cells_shown[c]
            ]
            ok = not isolated_members(published)
        shown[c] = ok
    off = tuple(c for c, ok in shown.items() if not ok)
    if off:
        withheld.append(
            Withheld(
                "management/others",
                f"one side has fewer than {k} respondents with a score, or a person's score "
                "would follow from it and the department means",
                off,
            )
        )
    return shown


def _withhold_small_counts(
    result: WaveResult, k: int, withheld: list[Withheld]
) -> tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...], list[str]]:
    """Scores (without respondent-level data), items and agreement with every statistic of 1..k-1
    people withheld, as the report does (:func:`reports.anonymity.too_few`)."""
    from dataclasses import replace

    from reports.anonymity import too_few
    from scoring.results import Interval

    def small(n: int) -> bool:
        return n > 0 and too_few(n, k)

    scores = tuple(
        replace(
            s,
            mean=nan,
            median=nan,
            sd=nan,
            ci=Interval(),
            mean_norm=nan,
            target_mean=nan,
            target_median=nan,
            target_ci=Interval(),
            respondent_scores=(),
            respondent_targets=(),
        )
        if small(s.n)
        else replace(s, respondent_scores=(), respondent_targets=())
        for s in result.scores
    )
    hidden_items = [it.item_id for it in result.items if small(it.n)]
    if hidden_items:
        withheld.append(Withheld("items", f"fewer than {k} answers: " + ", ".join(hidden_items)))
    items = tuple(
        replace(
            it,
            mean=nan,
            median=nan,
            sd=nan,
            target_mean=nan,
            target_median=nan,
            distribution=(),
            rwg=nan,
            rwg_raw=nan,
            ad=nan,
            awg=nan,
            agi=nan,
        )
        if small(it.n)
        else it
        for it in result.items
    )
    agreement = tuple(
        replace(
            a,
            rwg_j=nan,
            rwg_j_raw=nan,
            rwg_star_j=nan,
            ad_mean=nan,
            ad_median=nan,
            awg_j=nan,
            alpha_interval=nan,
            alpha_ordinal=nan,
            cronbach_alpha=nan,
            cronbach_alpha_listwise=nan,
            icc=None,
        )
        if small(a.n)
        else a
        for a in result.agreement
    )
    return scores, items, agreement, hidden_items


def _agi_shown(
    a: Any, k: int, shown_departments: Sequence[str], cells: dict[str, set[str]]
) -> bool:
    from scoring.results import DEPARTMENT_PREFIX

    if a.n < k:
        return False
    if a.group.startswith(DEPARTMENT_PREFIX):
        d = a.group[len(DEPARTMENT_PREFIX) :]
        if a.capability_id == "overall":
            return d in shown_departments
        return d in cells.get(a.capability_id, set())
    return True


def _safe_silos(result: WaveResult, cells_shown: dict[str, set[str]], k: int) -> tuple[Any, ...]:
    """Silo rows with hidden departments dropped; a capability with a hidden cell loses its
    spread and separation (both are functions of the hidden means)."""
    from dataclasses import replace

    silos = []
    for sg in result.silos:
        shown = cells_shown.get(sg.capability_id, set())
        means = tuple(x for x in sg.department_means if x[0] in shown and x[1] >= k)
        if len(means) == len(sg.department_means):
            silos.append(sg)
            continue
        sep = replace(
            sg.separation,
            icc1=nan,
            icc2=nan,
            eta2=nan,
            omega2=nan,
            f=nan,
            p_value=nan,
            df_between=0,
            df_within=0,
            reason="withheld: a department is hidden in this capability",
        )
        silos.append(replace(sg, department_means=means, spread=nan, separation=sep))
    return tuple(silos)


def _safe_map(amap: Any, k: int, withheld: list[Withheld]) -> Any:
    """The alignment map without respondent ids, coordinates or camp membership, and its camps
    under primary and secondary suppression."""
    from dataclasses import replace

    from reports.anonymity import suppress_groups

    camp_sup = suppress_groups({c.label: c.size for c in amap.camps}, k)
    if camp_sup.hidden:
        withheld.append(
            Withheld(
                "camps",
                f"camps of fewer than {k} respondents, and those hidden so that such a camp "
                "cannot be worked out by subtraction",
            )
        )
    return replace(
        amap,
        respondent_ids=(),
        coords=(),
        camp_of=(),
        camps=tuple(c for c in amap.camps if c.label in camp_sup.shown),
    )


def _roadmap_without(roadmap: Any, thin: set[str]) -> Any:
    """The roadmap without the capabilities of ``thin`` (scored by fewer than k): no starting,
    target or projected level, no action and no stage capability of theirs."""
    from dataclasses import replace

    if not thin:
        return roadmap

    def keep(pairs: Sequence[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
        return tuple(p for p in pairs if p[0] not in thin)

    return replace(
        roadmap,
        starting_levels=keep(roadmap.starting_levels),
        target_levels=keep(roadmap.target_levels),
        stages=tuple(
            replace(
                st,
                actions=tuple(a for a in st.actions if a.capability_id not in thin),
                capabilities=tuple(c for c in st.capabilities if c not in thin),
                projected_levels=keep(st.projected_levels),
            )
            for st in roadmap.stages
        ),
    )


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
    """``rows`` as CSV with a header of ``columns``: ``None`` is an empty cell, and text cells
    are neutralised against spreadsheet formulas (:func:`assessment.io.cells.neutralise`, the
    rule every CSV/XLSX writer of the product uses). The one CSV writer of the CLI's data."""
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
    return json.dumps(result_dict(result), indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def write_result_files(
    output: ScoreOutput, out_dir: str | Path, stem: str | None = None
) -> list[Path]:
    """Write ``<stem>.json`` (:meth:`ScoreOutput.json`) and ``<stem>.csv`` (capability summary)
    atomically; ``stem`` defaults to ``results-<wave>``."""
    from assessment.io.atomic import atomic_write_text

    out = Path(out_dir)
    stem = stem or f"results-{output.result.wave}"
    return [
        atomic_write_text(out / f"{stem}.json", output.json(indent=1)),
        atomic_write_text(out / f"{stem}.csv", output.csv()),
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
    record: bool = False,
) -> DemoRun:
    """Generate both Northwind waves, score them, and write responses and results into ``out_dir``.

    ``record``: record the result files in the user's report ledger (:func:`report_ledger`).
    Off by default: the people are synthetic, and their outputs would only make later real
    outputs of a wave with the same name and ids look like conflicts.

    Everything is computed before the first file is written, and every file is written atomically,
    so an error leaves no partial output (at most the empty folder). ``out_dir`` is created if missing (an
    :class:`~questionnaires.errors.OutputError` when it cannot be). Files: ``northwind-<wave>.csv`` (long responses),
    ``results-<wave>.json`` and ``results-<wave>.csv``, both safe (:func:`safe_result`).
    """
    from assessment.io.atomic import ensure_dir
    from assessment.io.writers import write_csv
    from assessment.synthetic import DEFAULT_SEED, northwind_waves
    from questionnaires.catalogue import get_instrument

    out = ensure_dir(out_dir)  # first: a bad --out fails before a minute of scoring
    inst = instrument or get_instrument("customer-centricity")
    waves = northwind_waves(seed=DEFAULT_SEED if seed is None else seed, instrument=inst)
    results = [score_responses(LoadedResponses(inst, rs), options) for rs in waves]
    run = DemoRun(inst, waves, results)
    k = results[0].options.min_group if results else 3
    for rs, res in zip(waves, results, strict=True):
        safe, withheld = safe_result(res, rs, k)
        run.files.append(write_csv(rs, out / f"northwind-{rs.wave}.csv"))
        files = write_result_files(ScoreOutput(safe, False, k, withheld), out)
        run.files.extend(files)
        if record:
            report_ledger(files[0]).record(
                res,
                kind="score",
                path=files[0],
                respondents=[r.id for r in rs.respondents],
                pdf=b"",
            )
    return run


def demo_reports(
    run: DemoRun,
    out_dir: str | Path,
    progress: Callable[[Path], None] | None = None,
    *,
    record: bool = False,
) -> list[Path]:
    """The demo's PDFs into ``out_dir``: a team report per wave, the trend report and a personal
    report per respondent of the last wave, themed for Northwind Telecom. Returns the paths.

    ``record``: as :func:`run_demo` (off: synthetic data are not recorded in the report
    ledger); on, each wave's respondent set is recorded once per PDF written."""
    from assessment.io.atomic import atomic_write_bytes
    from reports import ReportOptions
    from reports.batch import write_demo_reports
    from reports.theme import theme_from_data

    options = ReportOptions(theme=theme_from_data({"client": "Northwind Telecom"}))
    paths = write_demo_reports(
        run.instrument,
        run.waves,
        run.results,
        out_dir,
        options,
        progress=progress,
        write=atomic_write_bytes,
    )
    if record:
        ledger = report_ledger(out_dir, folder=True)
        sets = {rs.wave: (rs, res) for rs, res in zip(run.waves, run.results, strict=True)}
        for path in paths:
            wave = next((w for w in sets if w in path.name), run.waves[-1].wave)
            rs, res = sets[wave]
            kind = "individual" if path.name.startswith("individual") else path.name.split("-")[0]
            ledger.record(
                res, kind=kind, path=path, respondents=[r.id for r in rs.respondents], pdf=b""
            )
    return paths


# -- import and export -------------------------------------------------------------------------

DEFAULT_MAX_MB = 50
IMPORTABLE = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".json")
_MB = 1024 * 1024


@dataclass(frozen=True)
class ImportResult:
    """What ``centric import`` did: per wave, answers written (new and overwritten)."""

    source: str
    organisation: str
    waves: tuple[WriteResult, ...]
    warnings: tuple[str, ...] = ()
    """What the reader noted (ignored columns, ids differing only by case); shown on stderr."""

    @property
    def answers(self) -> int:
        return sum(w.answers for w in self.waves)

    @property
    def inserted(self) -> int:
        return sum(w.inserted for w in self.waves)

    def describe(self) -> str:
        parts = [
            f"wave {w.wave} ({w.instrument}): {w.respondents} respondents, {w.answers} answers "
            f"({w.inserted} new, {w.changed} changed, {w.unchanged} unchanged)"
            for w in self.waves
        ]
        return f"imported {self.source} into {self.organisation}: " + "; ".join(parts)


def _check_import_file(path: Path, max_mb: float) -> None:
    """The file exists, is a type ``centric import`` takes and is not larger than ``max_mb``."""
    source = str(path)
    if not path.exists():
        message = "no such file; check the path"
    elif path.is_dir():
        message = "is a directory; give a CSV, XLSX or JSON file"
    elif path.suffix.lower() not in IMPORTABLE:
        message = (
            f"unknown file type {path.suffix or '(none)'!r}; import .csv, .tsv, .xlsx or .json"
        )
    elif (size := path.stat().st_size) > max_mb * _MB:
        message = (
            f"file too large: {size / _MB:.1f} MB (limit {max_mb:g} MB); raise the size limit "
            "or split the file by wave"
        )
        problem = Problem(message, source, settings=("max_mb",))
        raise ResponseError([problem], source, action="imported")
    else:
        return
    raise ResponseError([Problem(message, source)], source, action="imported")


def _by_wave(
    records: list[ResponseRecord], wave: str | None, source: str, problems: list[Problem]
) -> dict[str, list[ResponseRecord]]:
    """Records grouped by wave, in order of first appearance; only ``wave`` when it is given
    (a wave the file does not hold is a problem)."""
    groups: dict[str, list[ResponseRecord]] = {}
    for rec in records:
        groups.setdefault(rec.wave, []).append(rec)
    if wave is None:
        return groups
    if wave not in groups:
        have = ", ".join(repr(w) for w in groups if w) or "none"
        problems.append(
            Problem(
                f"no answers for wave {wave!r}; waves in the file: {have}", source, column="wave"
            )
        )
        return {}
    return {wave: groups[wave]}


def import_file(
    db: str | Engine | None,
    path: str | Path,
    *,
    org: str,
    wave: str | None = None,
    instrument: Instrument | None = None,
    max_mb: float = DEFAULT_MAX_MB,
    org_name: str | None = None,
) -> ImportResult:
    """Import one response file (CSV, XLSX, JSON) into organisation ``org``, all-or-nothing.

    Steps, each of which can fail only before anything is written:

    1. the file's type and size are checked (limit ``max_mb``, ``--max-size``);
    2. the database is opened and its schema revision checked;
    3. the file is read into canonical records by :func:`assessment.io.read_records` (the same
       reader as ``centric score``), collecting every problem with sheet, row and column;
    4. records are grouped by wave (``wave`` names the wave of a file without a wave column and
       selects one wave of a file that holds several); each wave's instrument is chosen by
       :func:`questionnaires.answers.choose_instrument` (``instrument``, else what the file
       declares, else the version the stored wave is bound to, else the newest
       ``customer-centricity``) and the records are validated against it;
    5. all problems of all waves are raised together in one :class:`ResponseError`;
    6. one transaction upserts every wave (:func:`assessment.store.service.write_waves`).

    Re-importing the same file changes nothing (answers are upserted by wave, respondent, item).
    """
    from assessment.io.responses import declared_instrument, layout_and_sheet, read_records
    from assessment.store.service import bound_instruments, using_engine, write_waves
    from questionnaires.answers import choose_instrument, records_to_response_set

    path = Path(path)
    source = str(path)
    if not org or not org.strip():
        raise StoreError(
            "the organisation name is empty; name the organisation, e.g. acme",
            settings={"org": None},
        )
    _check_import_file(path, max_mb)
    with using_engine(db) as engine, _no_gc():
        layouts: list[str] = []
        records, found, declared = read_records(path, wave=wave, layouts=layouts)
        layout, sheet = layout_and_sheet(layouts)
        notes = [str(p) for p in found if p.warning]
        problems = [p for p in found if not p.warning]
        if not records and not problems:
            problems.append(Problem("no responses found", source))
        groups = _by_wave(records, wave, source, problems)
        bound = bound_instruments(engine, org) if groups else {}
        validated = []
        for name, recs in groups.items():
            before = len(problems)
            inst = choose_instrument(
                source,
                [ref] if (ref := declared_instrument(declared, name or None)) else [],
                instrument,
                bound=bound.get(name),
                wave=name or "(empty)",
                problems=problems,
            )
            if len(problems) > before:  # the file names another version: do not validate
                continue
            try:
                rs = records_to_response_set(
                    inst,
                    recs,
                    source=source,
                    wave=name or None,
                    files=[(source, len(recs), layout)],
                    sheet=sheet,
                )
            except ResponseError as exc:
                problems.extend(exc.problems)
                continue
            validated.append((rs, recs, inst))
            notes += [n for n in rs.notes if n not in notes]
        if problems:
            # file-level problems first, then by row
            ordered = sorted(problems, key=lambda p: (p.row is not None, p.row or 0))
            raise ResponseError(ordered, source, action="imported")
        results = write_waves(engine, org, validated, org_name=org_name)
    return ImportResult(
        source=source, organisation=org, waves=tuple(results), warnings=tuple(notes)
    )


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of small, acyclic record
    objects are created (each gen-2 pass would rescan all of them); restored afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


ExportFormat = Literal["csv", "xlsx", "json"]


def export_file(
    db: str | Engine | None,
    org: str,
    format: ExportFormat,
    path: str | Path,
    *,
    wave: str | None = None,
) -> tuple[int, int]:
    """Export the raw ratings of ``org`` (one wave or all) to ``path`` in ``format``
    (``csv``, ``xlsx`` or ``json``), atomically. Returns ``(waves, answers)`` written."""
    from assessment.io.export import write_export
    from assessment.store.service import export_records

    waves, records = export_records(db, org, wave)
    write_export(format, org, waves, records, path)
    return len(waves), len(records)
