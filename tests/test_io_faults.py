"""Faults in the io writers and readers found by the fault suites (issue 8, item 8), in process."""

from __future__ import annotations

import errno
import gc
import os
import sys
from pathlib import Path

import pytest

from assessment.io.export import WaveInfo
from assessment.io.xlsx import write_export_xlsx
from questionnaires.answers import ResponseRecord
from questionnaires.errors import OutputError


def _record() -> ResponseRecord:
    return ResponseRecord(
        wave="W1",
        respondent="R1",
        role="staff",
        department="Sales",
        item="CUL-01",
        current=3,
        target=5,
    )


def test_xlsx_export_failing_in_openpyxl_temp_files_leaves_no_stream_to_the_collector(
    tmp_path, monkeypatch
):
    """A full system temp folder fails inside openpyxl's write-only rows; the export is one
    OutputError, no file, no temporary file of openpyxl left, and garbage collection prints
    nothing ("Exception ignored ...")."""
    from openpyxl.worksheet._writer import WorksheetWriter

    calls = {"n": 0}
    original = WorksheetWriter.write_row

    def full(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(WorksheetWriter, "write_row", full)
    import tempfile

    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    out = tmp_path / "out" / "export.xlsx"
    out.parent.mkdir()
    waves = [WaveInfo("acme", "W1", "mini@1.0.0", "0" * 64)]
    with pytest.raises(
        OutputError, match=r"cannot write .*export\.xlsx: No space left on device"
    ) as info:
        write_export_xlsx("acme", waves, [_record(), _record()], out)
    del info  # keep no frame of the failed export alive
    gc.collect()
    assert unraisable == []
    assert list(out.parent.iterdir()) == []
    assert list(system_tmp.iterdir()) == []  # openpyxl's row files removed, not left to atexit


def test_xlsx_export_writes_a_workbook_that_reads_back(tmp_path):
    from openpyxl import load_workbook

    out = write_export_xlsx(
        "acme", [WaveInfo("acme", "W1", "mini@1.0.0", "0" * 64)], [_record()], tmp_path / "e.xlsx"
    )
    wb = load_workbook(Path(out), read_only=True)
    assert [ws.title for ws in wb.worksheets] == ["responses", "waves"]
    wb.close()


# -- atomic writer: an unnamed temporary file until the rename ----------------------------------


def _write_and_look(path: Path) -> list[str]:
    """Write ``path`` atomically; the names in its folder seen while the data is being written."""
    from assessment.io.atomic import atomic_open

    with atomic_open(path, "wb") as fh:
        fh.write(b"%PDF-1.7 ")
        seen = sorted(p.name for p in path.parent.iterdir())
        fh.write(b"rest %%EOF")
    return seen


needs_o_tmpfile = pytest.mark.skipif(not hasattr(os, "O_TMPFILE"), reason="no O_TMPFILE")


@needs_o_tmpfile
def test_atomic_write_has_no_temporary_file_name_while_writing(tmp_path):
    """A kill while writing leaves nothing: the temporary file has no name until the rename
    (it was a '.NAME.XXXX.tmp' from mkstemp, left behind by SIGKILL)."""
    (tmp_path / "old.pdf").write_bytes(b"old")
    os.chmod(tmp_path / "old.pdf", 0o640)
    assert _write_and_look(tmp_path / "team.pdf") == ["old.pdf"]
    assert _write_and_look(tmp_path / "old.pdf") == ["old.pdf", "team.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.pdf", "team.pdf"]
    assert (tmp_path / "old.pdf").read_bytes() == b"%PDF-1.7 rest %%EOF"
    assert (tmp_path / "old.pdf").stat().st_mode & 0o777 == 0o640  # the mode is kept
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "team.pdf").stat().st_mode & 0o777 == 0o666 & ~umask


@needs_o_tmpfile
def test_atomic_write_where_linking_the_unnamed_file_is_refused_copies_it(tmp_path, monkeypatch):
    from assessment.io import atomic

    monkeypatch.setattr(atomic, "_link", lambda fd, name: False)
    monkeypatch.setattr(atomic, "_NO_LINK", set())
    assert _write_and_look(tmp_path / "a.pdf") == []
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF-1.7 rest %%EOF"
    assert {os.stat(tmp_path).st_dev} == atomic._NO_LINK  # mkstemp from then on
    seen = _write_and_look(tmp_path / "b.pdf")
    assert len(seen) == 2 and seen[0].startswith(".b.pdf.") and seen[0].endswith(".tmp")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf"]


def test_atomic_write_without_o_tmpfile_uses_a_named_temporary_file(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    seen = _write_and_look(tmp_path / "c.pdf")
    assert len(seen) == 1 and seen[0].startswith(".c.pdf.") and seen[0].endswith(".tmp")
    assert [p.name for p in tmp_path.iterdir()] == ["c.pdf"]
    assert (tmp_path / "c.pdf").read_bytes() == b"%PDF-1.7 rest %%EOF"
