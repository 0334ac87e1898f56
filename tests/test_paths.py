"""Output paths are checked before any work (assessment.cli._paths).

Regressions for the hostile-user review (findings 1, 2, 7): ``-o`` naming the input file or the
SQLite database, a missing folder, an existing folder, a device or FIFO, a pseudo file system.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from assessment.cli._paths import (
    check_output_dir,
    check_output_file,
    refuse_inputs,
    sqlite_file,
)
from questionnaires.errors import OutputError


def test_a_new_file_in_an_existing_folder_passes_and_nothing_is_created(tmp_path):
    out = tmp_path / "report.pdf"
    assert check_output_file(out) == out
    assert list(tmp_path.iterdir()) == []  # the write probe leaves nothing behind


def test_the_input_file_is_never_an_output(tmp_path):
    victim = tmp_path / "victim.csv"
    victim.write_text("respondent,item\n")
    with pytest.raises(OutputError, match="is the input file"):
        check_output_file(victim, inputs=[victim])
    # the same file by another spelling, a symlink or a hard link
    with pytest.raises(OutputError, match="is the input file"):
        check_output_file(tmp_path / "." / "victim.csv", inputs=[victim])
    (tmp_path / "link.csv").symlink_to(victim)
    with pytest.raises(OutputError, match="is the input file"):
        check_output_file(tmp_path / "link.csv", inputs=[victim])
    os.link(victim, tmp_path / "hard.csv")
    with pytest.raises(OutputError, match="is the input file"):
        check_output_file(tmp_path / "hard.csv", inputs=[victim])
    assert victim.read_text() == "respondent,item\n"


def test_the_database_file_is_never_an_output(tmp_path):
    db = tmp_path / "t.db"
    db.write_bytes(b"SQLite format 3\x00")
    for given in (str(db), f"sqlite:///{db}"):
        with pytest.raises(OutputError, match="is the database"):
            check_output_file(db, db=given)
    assert check_output_file(tmp_path / "x.csv", db="postgresql://u@h/db") == tmp_path / "x.csv"


def test_sqlite_file_reads_paths_and_urls():
    assert sqlite_file(None) is None
    assert sqlite_file("t.db") == Path("t.db")
    assert sqlite_file("sqlite:///rel/t.db") == Path("rel/t.db")
    assert sqlite_file("sqlite:////abs/t.db") == Path("/abs/t.db")
    assert sqlite_file("sqlite://") is None
    assert sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("postgresql+psycopg://u@h/db") is None


def test_a_missing_folder_is_reported_not_created(tmp_path):
    out = tmp_path / "nope" / "deeper" / "r.pdf"
    with pytest.raises(OutputError, match=r"folder .*nope/deeper does not exist"):
        check_output_file(out)
    assert not (tmp_path / "nope").exists()


def test_a_folder_is_not_a_file_output(tmp_path):
    with pytest.raises(OutputError, match="that is a folder; give a file name"):
        check_output_file(tmp_path)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_output_file(tmp_path / "afile" / "r.pdf")


def test_fifos_are_refused(tmp_path):
    """Finding 2: an atomic rename turned a FIFO into a regular file; writing it directly would
    block until something reads it, so a FIFO stays refused."""
    fifo = tmp_path / "fifo1"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="not a regular file"):
        check_output_file(fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_character_device_is_a_write_through_target(tmp_path):
    """``-o /dev/null`` (discard the output, e.g. to time a command) was refused as "a device";
    the atomic writer writes a character device directly, so the check lets it through, without
    probing /dev for a temporary file, and returns the device itself."""
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    assert check_output_file("/dev/null") == Path("/dev/null")
    link = tmp_path / "sink"
    link.symlink_to("/dev/null")
    assert check_output_file(link) == Path("/dev/null")  # a link to a device: the device
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_an_unwritable_character_device_is_refused(monkeypatch):
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(OutputError, match="the device /dev/null is not writable for you"):
        check_output_file("/dev/null")


def test_a_symlink_is_followed_to_its_target(tmp_path):
    target = tmp_path / "target.pdf"
    target.write_bytes(b"old")
    (tmp_path / "link.pdf").symlink_to(target)
    assert check_output_file(tmp_path / "link.pdf") == target


def test_an_unwritable_folder_fails_even_for_root():
    """Finding 7: ``-o /proc/out.txt`` gave a traceback (os.access says yes to root there)."""
    if not Path("/proc/self").exists():
        pytest.skip("no /proc")
    with pytest.raises(OutputError, match=r"cannot write /proc/out\.pdf"):
        check_output_file("/proc/out.pdf")
    with pytest.raises(OutputError, match="does not exist"):
        check_output_file("/proc/x/out.pdf")


def test_output_folder_may_be_created_one_level(tmp_path):
    assert check_output_dir(tmp_path / "personal") == tmp_path / "personal"
    assert not (tmp_path / "personal").exists()  # checking creates nothing
    assert check_output_dir(tmp_path) == tmp_path
    with pytest.raises(OutputError, match=r"parent .* does not exist"):
        check_output_dir(tmp_path / "a" / "b")
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_output_dir(tmp_path / "f")


def test_refuse_inputs_skips_stdin_and_missing_files(tmp_path):
    refuse_inputs(tmp_path / "out.pdf", ["-", tmp_path / "missing.csv"])


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_export_to_the_databases_wal_file_is_refused_not_deleted_later(tmp_path, suffix):
    """Before: `export -o t.db-wal` "succeeded" and SQLite deleted the file at the next access."""
    db = tmp_path / "t.db"
    db.write_bytes(b"SQLite format 3\x00")
    for given in (str(db), f"sqlite:///{db}"):
        with pytest.raises(OutputError, match=f"is the .* of the database {db}"):
            check_output_file(tmp_path / f"t.db{suffix}", db=given)
    # also when the companion exists, and by a relative spelling
    (tmp_path / f"t.db{suffix}").write_bytes(b"")
    with pytest.raises(OutputError, match="choose another output name"):
        check_output_file(tmp_path / "." / f"t.db{suffix}", db=str(db))
    assert check_output_file(tmp_path / f"t.db{suffix}.csv", db=str(db))


def test_dash_is_stdout_never_a_file_named_dash(tmp_path, monkeypatch):
    from assessment.cli._paths import is_stdout

    monkeypatch.chdir(tmp_path)
    assert is_stdout("-") and is_stdout(Path("-")) and not is_stdout("./-")
    assert not is_stdout(None)
    with pytest.raises(OutputError, match="-o - means stdout"):
        check_output_file("-")
    assert check_output_file("./-") == Path("-")
    assert not (tmp_path / "-").exists()


def test_binary_output_to_a_terminal_is_refused(monkeypatch):
    import sys

    from assessment.cli._paths import write_stdout_bytes

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    with pytest.raises(OutputError, match="binary and stdout is a terminal"):
        write_stdout_bytes(b"PK\x03\x04", "an xlsx workbook", ".xlsx")
