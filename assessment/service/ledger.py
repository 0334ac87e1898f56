"""The report ledger (issue 8, item 4): where every report and safe score output is recorded
with the respondents it covered, and the check of a new output against the earlier ones."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from questionnaires.errors import ReportError

if TYPE_CHECKING:
    from reports.anonymity import EarlierReport
    from scoring.results import WaveResult


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
    """The user's report ledger file.

    ``$CENTRIC_LEDGER`` if set, else ``${XDG_DATA_HOME:-~/.local/share}/centric/report-ledger.json``
    (a relative ``XDG_DATA_HOME`` is ignored, as the XDG specification says).

    Returns
    -------
    Path
        The ledger file's path (it may not exist yet).
    """
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
    """SHA-256 (hex) of the normalised ``wave``, a NUL and the normalised ``respondent``.

    Both are normalised with ``strip().casefold()``: how every ledger compares respondents, so
    ``R017`` and ``r017 `` are one person, and how the ledger files name them (never the id
    itself).

    Parameters
    ----------
    wave : str
        The wave id.
    respondent : str
        The respondent id.

    Returns
    -------
    str
        64 hex digits.
    """
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
    """Where the reports of a wave are recorded and looked up (all ledgers that are set).

    A record holds kind, wave, path, data, instrument and file hashes, whether it was a reissue,
    and the respondents as :func:`respondent_digest` values, never ids or answers.

    Attributes
    ----------
    folder : Path or None
        The folder whose manifest :data:`REPORT_MANIFEST` lists the report files next to it
        (provenance).
    db : str or None
        The database whose ``reports``/``report_respondents`` tables record the wave's reports
        (codes, or ``erased:`` placeholders after an erasure), digested on reading; with ``org``.
    org : str or None
        The organisation of the wave in ``db``.
    user : Path or None
        The user's ledger file (:func:`user_ledger_path`; :func:`report_ledger` always sets it),
        JSON ``{"format": "centric-report-ledger", "version": 1, "reports": [...]}``, mode 0600 in
        a 0700 folder, written atomically under a lock.
    """

    folder: Path | None = None
    db: str | None = None
    org: str | None = None
    user: Path | None = None

    @property
    def manifest(self) -> Path | None:
        return None if self.folder is None else Path(self.folder) / REPORT_MANIFEST

    def keys(self, wave: str, ids: Sequence[str]) -> frozenset[str]:
        """How every ledger compares respondents: their :func:`respondent_digest`.

        Parameters
        ----------
        wave : str
            The wave id.
        ids : sequence of str
            Respondent ids.

        Returns
        -------
        frozenset of str
            The digests of ``ids`` in ``wave``.
        """
        return frozenset(respondent_digest(wave, i) for i in ids)

    def _read(self) -> list[dict[str, Any]]:
        path = self.manifest
        return [] if path is None else _read_records(path, _MANIFEST_FORMAT, "report manifest")

    def _read_user(self) -> list[dict[str, Any]]:
        return (
            [] if self.user is None else _read_records(self.user, _LEDGER_FORMAT, "report ledger")
        )

    def earlier(self, wave: str) -> list[EarlierReport]:
        """The outputs recorded for ``wave`` in every ledger.

        Wave ids are compared normalised; oldest first per ledger: the user's, the database's, the
        manifest's.

        Parameters
        ----------
        wave : str
            The wave id.

        Returns
        -------
        list of EarlierReport
            The recorded outputs of the wave.
        """
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
        """:func:`reports.anonymity.check_reissue` of ``ids`` against :meth:`earlier`.

        Parameters
        ----------
        wave : str
            The wave id.
        ids : sequence of str
            The respondents the new output covers.
        k : int
            The anonymity threshold.
        allow_reissue : bool
            Return the conflicts instead of refusing (the output is then a reissue).

        Returns
        -------
        tuple of EarlierReport
            The earlier outputs the new one conflicts with; ``()`` when there are none.
        """
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
        """Record one output of ``result.wave`` covering ``respondents`` (written next) in each ledger.

        Parameters
        ----------
        result : WaveResult
            The result the output was made from (wave, data and instrument hashes).
        kind : str
            The kind of output (``team``, ``individual``, ``trend``, ``score``).
        path : Path
            Where the output is written (``-`` for stdout).
        respondents : sequence of str
            The respondent ids the output covers.
        pdf : bytes
            The file's content, hashed into the record; empty bytes for no file hash.
        respondent : str or None, optional
            The respondent of a personal report.
        into : Path or None, optional
            Write the manifest (with the earlier records of :attr:`folder`) into this folder
            instead: a staging folder moved into place with the reports.
        k : int or None, optional
            Check again first, under the user ledger's lock, that no other run recorded a
            conflicting output meanwhile (refused unless ``reissue``); ``None`` does not check.
        reissue : bool, default False
            The output was made as a reissue.
        """
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
    """Replace ``respondent``'s digest in the user ledger's records of ``waves`` by placeholders.

    Each is a random ``erased:`` placeholder, a different one per record (as the database does:
    the records keep counting the person, so the guard still sees a change of one, but nothing
    links the placeholder to them). Records of another organisation are left alone; records of
    reports read from files (no organisation) are changed.

    Parameters
    ----------
    waves : sequence of str
        The waves whose records are changed.
    respondent : str
        The respondent's id.
    org : str or None, optional
        The organisation whose records are changed (with those of no organisation).
    path : Path or None, optional
        The ledger file; ``None`` for :func:`user_ledger_path`.

    Returns
    -------
    int
        The number of records changed.
    """
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
    """The ledger for an output written to ``output``.

    Always the user's ledger file (:func:`user_ledger_path`); also the database when ``db`` and
    ``org`` are given (the wave was read from it), else the manifest in the output's folder (none
    for a device such as ``/dev/stdout`` or stdout: no manifest is written into the current
    folder).

    Parameters
    ----------
    output : str or Path or None, optional
        The file written, or with ``folder`` the folder of ``--all``; ``None`` is stdout.
    db : str or None, optional
        The database the wave was read from.
    org : str or None, optional
        The organisation of the wave in ``db``.
    folder : bool, default False
        ``output`` is a folder of reports, not a file.

    Returns
    -------
    ReportLedger
        The ledgers to check and record in.
    """
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
