"""Faults in the io writers and readers found by the fault suites (issue 8, item 8), in process."""

from __future__ import annotations

import errno
import gc
import sys
from pathlib import Path

import pytest

from assessment.errors import OutputError
from assessment.io.export import WaveInfo
from assessment.io.xlsx import write_export_xlsx
from assessment.responses import ResponseRecord


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
