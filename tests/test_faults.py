"""Fault injection (issue 8, item 8): a full disk and a killed process, through the real ``centric``
entry point.

Disk full is simulated twice: ``/dev/full`` (every write fails with ENOSPC) and, when the tests run
as root and may mount, a tiny tmpfs filled to the last byte (so the temporary file of the atomic
writer is created, then cannot be written). Every case must exit 2 with one line on stderr and
leave the output folder exactly as it was (no temporary files, an older file untouched).

A killed process is SIGKILL sent to a ``centric`` subprocess, either at a moment fixed by a hook in
the child (the report's bytes written to the temporary file, not yet renamed; personal reports
half moved into place) or at random moments of a real run. The import case reuses the pattern of
``tests/test_store.py::test_sigkill_mid_import_leaves_database_as_before`` and adds random moments.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.fuzz

ROOT = Path(__file__).resolve().parents[1]
MINI = str(ROOT / "tests" / "fixtures" / "mini" / "1.0.0.yaml")
CENTRIC = str(Path(sys.executable).with_name("centric"))
ITEMS = ("CUL-01", "CUL-02", "SYS-01", "SYS-02", "MET-01", "MET-02")
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "CENTRIC_DB": ""}


def answers(path: Path, n: int, wave: str = "W1") -> Path:
    """A long CSV of the mini instrument: n respondents in three departments."""
    roles = ("executive", "manager", "staff")
    depts = ("Sales", "Customer Service", "Finance")
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["wave", "respondent", "role", "department", "item", "current", "target"])
        for r in range(n):
            role = roles[r % 3]
            for k, item in enumerate(ITEMS):
                if item == "SYS-02" and role == "staff":
                    continue
                w.writerow([wave, f"R{r:05d}", role, depts[r % 3], item, 1 + (r + k) % 5, 5])
    return path


# the commands run in a scratch folder, so nothing they might write lands in the repository
WORKDIR: dict[str, Path] = {}


@pytest.fixture(scope="module", autouse=True)
def _workdir(tmp_path_factory) -> None:
    WORKDIR["cwd"] = tmp_path_factory.mktemp("cwd")


def centric(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CENTRIC, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=WORKDIR["cwd"],
        env=ENV,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess[str], *names: str) -> None:
    """Exit 2 and one error line (warnings and progress labels, on their own lines, may precede
    it), no traceback."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    lines = [x for x in proc.stderr.strip().splitlines() if x.startswith("Error:")]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "Exception" not in proc.stderr, proc.stderr
    for name in names:
        assert name in lines[0], lines[0]


@pytest.fixture(scope="module")
def wave_csv(tmp_path_factory) -> Path:
    return answers(tmp_path_factory.mktemp("faults") / "answers.csv", 6)


@pytest.fixture(scope="module")
def stored(tmp_path_factory, wave_csv) -> str:
    from assessment.service import import_file
    from assessment.store import upgrade_db
    from questionnaires.loader import load_instrument

    url = f"sqlite:///{tmp_path_factory.mktemp('faults-db') / 'c.db'}"
    upgrade_db(url)
    import_file(url, wave_csv, org="acme", instrument=load_instrument(MINI))
    return url


# -- disk full: /dev/full -----------------------------------------------------------------------

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


@needs_dev_full
def test_score_output_on_a_full_device_is_one_line_exit_2(wave_csv):
    proc = centric("score", str(wave_csv), "--instrument", MINI, "--format", "json", "-o", "/dev/full")  # fmt: skip
    assert_one_line_error(proc, "/dev/full")


@needs_dev_full
def test_export_on_a_full_device_is_one_line_exit_2(stored):
    proc = centric("export", "--db", stored, "--org", "acme", "-o", "/dev/full")
    assert_one_line_error(proc, "/dev/full")


@needs_dev_full
def test_team_report_on_a_full_device_is_one_line_exit_2(wave_csv):
    proc = centric("report", "team", str(wave_csv), "--instrument", MINI, "-o", "/dev/full")
    assert_one_line_error(proc, "/dev/full")


# -- disk full: a tiny tmpfs filled to the last byte ----------------------------------------------


@pytest.fixture
def full_disk(tmp_path) -> Iterator[Path]:
    """A 256 KiB tmpfs at tmp_path/full, filled up; an old ``keep.json`` and an empty folder
    ``people`` lie in it."""
    mnt = tmp_path / "full"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; /dev/full tests still run")
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k,nr_inodes=64", "tmpfs", str(mnt)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.strip()}); /dev/full tests still run")
    try:
        (mnt / "keep.json").write_text('{"old": true}\n', encoding="utf-8")
        (mnt / "people").mkdir()
        fd = os.open(mnt / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def listing(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): (
            b"<folder>" if p.is_dir() else b"" if p.name == "filler" else p.read_bytes()
        )
        for p in sorted(folder.rglob("*"))
    }


def test_score_output_on_a_full_disk_leaves_the_folder_as_it_was(wave_csv, full_disk):
    before = listing(full_disk)
    for target in ("keep.json", "new.json"):
        proc = centric("score", str(wave_csv), "--instrument", MINI, "--format", "json", "-o", str(full_disk / target))  # fmt: skip
        assert_one_line_error(proc, target)
        assert listing(full_disk) == before  # no temporary file, the old file untouched


def test_export_on_a_full_disk_leaves_the_folder_as_it_was(stored, full_disk):
    before = listing(full_disk)
    for fmt in ("csv", "json"):
        out = full_disk / f"export.{fmt}"
        proc = centric("export", "--db", stored, "--org", "acme", "--format", fmt, "-o", str(out))
        assert_one_line_error(proc, out.name)
        assert listing(full_disk) == before


def test_xlsx_export_on_a_full_disk_is_one_line_and_leaves_the_folder_as_it_was(stored, full_disk):
    before = listing(full_disk)
    out = full_disk / "export.xlsx"
    proc = centric("export", "--db", stored, "--org", "acme", "--format", "xlsx", "-o", str(out))
    assert listing(full_disk) == before
    assert_one_line_error(proc, out.name)


def test_reports_on_a_full_disk_leave_the_folder_as_it_was(wave_csv, full_disk):
    before = listing(full_disk)
    proc = centric("report", "team", str(wave_csv), "--instrument", MINI, "-o", str(full_disk / "team.pdf"))  # fmt: skip
    assert_one_line_error(proc, str(full_disk))  # the PDF or the report record beside it
    assert listing(full_disk) == before
    proc = centric("report", "individual", str(wave_csv), "--instrument", MINI, "--all", "--workers", "1", "-o", str(full_disk / "people"))  # fmt: skip
    assert_one_line_error(proc, str(full_disk))
    assert listing(full_disk) == before  # no staging folder left in people/


# -- killed process: report writing ---------------------------------------------------------------

# Runs the CLI in-process with os.replace wrapped: when the report's bytes are in the temporary
# file and about to be renamed, or when the staged folder of --all is about to be renamed onto
# TARGET (or, for --all into a folder with files, after AFTER renames of .pdf files under it), the
# child says HOOKED and sleeps until it is killed.
CHILD = textwrap.dedent(
    """
    import os, sys, time
    from assessment.cli import main

    target, after, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    original = os.replace
    moved = []

    def replace(src, dst, *a, **kw):
        if str(dst) == target or (str(dst).endswith(".pdf") and str(dst).startswith(target)):
            if len(moved) == after:
                print("HOOKED", flush=True)
                time.sleep(120)
            moved.append(dst)
        return original(src, dst, *a, **kw)

    os.replace = replace
    sys.argv = ["centric", *argv]
    main()
    """
)


def kill_when_hooked(target: Path, after: int, *argv: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(target), str(after), *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=WORKDIR["cwd"],
        env=ENV,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.strip() == "HOOKED", proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL


def _is_complete_pdf(path: Path) -> bool:
    data = path.read_bytes()
    return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


@pytest.mark.slow
def test_sigkill_before_the_rename_leaves_the_old_report_or_none(wave_csv, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.pdf").write_bytes(b"%PDF-1.7 old report %%EOF")
    for name in ("team.pdf", "old.pdf"):
        kill_when_hooked(out / name, 0, "report", "team", str(wave_csv), "--instrument", MINI, "-o", str(out / name))  # fmt: skip
    assert not (out / "team.pdf").exists()
    assert (out / "old.pdf").read_bytes() == b"%PDF-1.7 old report %%EOF"


@pytest.mark.slow
def test_sigkill_before_the_rename_leaves_no_temporary_file(wave_csv, tmp_path):
    """Killed when the whole report is in the temporary file: nothing is left, as the file has
    no name until right before the rename (an O_TMPFILE file; it was a mkstemp '.team.pdf.XXXX.tmp'
    holding the whole report)."""
    hooked = textwrap.dedent(
        """
        import sys, time
        from assessment.io import atomic
        from assessment.cli import main

        def publish(fd, path, tmp):  # the bytes are written, the file is about to get a name
            print("HOOKED", flush=True)
            time.sleep(120)

        atomic._publish = publish
        sys.argv = ["centric", *sys.argv[1:]]
        main()
        """
    )
    argv = ["report", "team", str(wave_csv), "--instrument", MINI, "-o", str(tmp_path / "team.pdf")]
    proc = subprocess.Popen(
        [sys.executable, "-c", hooked, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=WORKDIR["cwd"],
        env=ENV,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "HOOKED"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert [n for n in names if n.endswith(".tmp")] == [], names
    assert "team.pdf" not in names


@pytest.mark.slow
@pytest.mark.parametrize("exists", [True, False], ids=["empty-folder", "new-folder"])
def test_sigkill_while_personal_reports_are_moved_leaves_all_or_none(wave_csv, tmp_path, exists):
    """Into a new or empty folder the staged set is one folder renamed into place: killed right
    before that rename, nothing is in place (it was: part of the set moved file by file), and
    the next run removes the stale staging folder and writes the whole set."""
    out = tmp_path / "people"
    if exists:
        out.mkdir()
    kill_when_hooked(out, 0, "report", "individual", str(wave_csv), "--instrument", MINI, "--all", "--workers", "1", "-o", str(out))  # fmt: skip
    assert (sorted(os.listdir(out)) if out.exists() else []) == []
    stale = list(tmp_path.glob(".people.centric-reports-*"))
    assert len(stale) == 1 and len(list(stale[0].glob("*.pdf"))) == 6  # complete, not in place
    again = centric("report", "individual", str(wave_csv), "--instrument", MINI, "--all", "--workers", "1", "-o", str(out))  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert len(list(out.glob("*.pdf"))) == 6 and (out / "centric-reports.json").exists()
    assert list(tmp_path.glob(".people.centric-reports-*")) == []


@pytest.mark.slow
def test_sigkill_while_personal_reports_are_moved_into_a_folder_with_files_is_completed(
    wave_csv, tmp_path
):
    """Into a folder that has files, the set is moved file by file under a journal: killed after
    the first report was moved, the next run for the folder completes the set first."""
    from reports.batch import recover_report_sets

    out = tmp_path / "people"
    out.mkdir()
    (out / "notes.txt").write_text("keep\n", encoding="utf-8")
    # 6 reports written into the staging folder (under out), then the first move into out
    kill_when_hooked(out, 7, "report", "individual", str(wave_csv), "--instrument", MINI, "--all", "--workers", "1", "-o", str(out))  # fmt: skip
    assert len(list(out.glob("*.pdf"))) == 1
    (stage,) = out.glob(".centric-reports-*")
    assert (stage / ".centric-journal.json").exists()
    moved = recover_report_sets(out)
    assert len(moved) == 5
    assert len(list(out.glob("*.pdf"))) == 6 and (out / "centric-reports.json").exists()
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".pdf")) == ["centric-reports.json", "notes.txt"]  # fmt: skip


@pytest.mark.slow
def test_sigkill_at_random_moments_of_a_report_run_never_leaves_a_partial_pdf(wave_csv, tmp_path):
    rng = random.Random(20261201)
    start = time.monotonic()
    done = centric("report", "team", str(wave_csv), "--instrument", MINI, "-o", str(tmp_path / "ref.pdf"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    span = time.monotonic() - start
    delays = [rng.uniform(0.2, 1.1) * span for _ in range(4)]
    for k, delay in enumerate(delays):
        out = tmp_path / f"team-{k}.pdf"
        proc = subprocess.Popen(
            [CENTRIC, "report", "team", str(wave_csv), "--instrument", MINI, "-o", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=WORKDIR["cwd"],
            env=ENV,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert not out.exists() or _is_complete_pdf(out), (k, delay, out.stat().st_size)


# -- killed process: import -----------------------------------------------------------------------


def _responses(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return int(conn.execute("SELECT count(*) FROM responses").fetchone()[0])


@pytest.mark.slow
def test_sigkill_at_random_moments_of_an_import_leaves_no_partial_rows(tmp_path):
    db = tmp_path / "c.db"
    small = answers(tmp_path / "small.csv", 6)
    big = answers(tmp_path / "big.csv", 2000)  # overlaps small and adds
    assert centric("db", "upgrade", "--db", str(db)).returncode == 0
    assert centric("import", str(small), "--db", str(db), "--org", "acme", "--instrument", MINI).returncode == 0  # fmt: skip
    before = _responses(db)
    # a complete import on a copy gives the row count after and how long a run takes
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    start = time.monotonic()
    assert centric("import", str(big), "--db", str(copy), "--org", "acme", "--instrument", MINI).returncode == 0  # fmt: skip
    span = time.monotonic() - start
    after = _responses(copy)
    assert after > before
    rng = random.Random(8)
    outcomes = []
    for delay in [rng.uniform(0.2, 0.95) * span for _ in range(4)]:
        proc = subprocess.Popen(
            [CENTRIC, "import", str(big), "--db", str(db), "--org", "acme", "--instrument", MINI],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=WORKDIR["cwd"],
            env=ENV,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        n = _responses(db)
        assert n in (before, after), (delay, span, n, before, after)
        outcomes.append(n)
        if n == after:
            break
    # the database is usable afterwards and the import completes
    done = centric("import", str(big), "--db", str(db), "--org", "acme", "--instrument", MINI)
    assert done.returncode == 0, done.stderr
    assert _responses(db) == after
