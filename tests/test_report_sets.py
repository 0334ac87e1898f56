"""Sets of personal reports (``report individual --all``) and their manifest as one unit, also
when a process was killed (issue 8, item 8). Rendering is stubbed: these tests are about files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assessment import service
from questionnaires.errors import CentricError
from reports import ReportOptions

fcntl = pytest.importorskip("fcntl")


@pytest.fixture(scope="module")
def wave(mini_instrument):
    from assessment.synthetic import northwind

    return service.from_response_set(northwind(instrument=mini_instrument), mini_instrument)


@pytest.fixture(autouse=True)
def fake_pdf(monkeypatch):
    import reports.api

    monkeypatch.setattr(
        reports.api, "render_individual_pdf", lambda *a, **k: b"%PDF-1.7 fake %%EOF"
    )


def _all(wave, out: Path) -> list[Path]:
    ledger = service.report_ledger(out, folder=True)
    return service.individual_reports(wave, ReportOptions(), out, workers=1, ledger=ledger)


def test_all_reports_into_a_new_folder_write_the_manifest_with_the_set(wave, tmp_path):
    """``-o NEWDIR`` once failed: centric-reports.json was written before the folder existed."""
    out = tmp_path / "new"
    paths = _all(wave, out)
    assert len(paths) == wave.responses.n_respondents and all(p.exists() for p in paths)
    entries = json.loads((out / service.REPORT_MANIFEST).read_text())["reports"]
    assert [(e["kind"], e["file"]) for e in entries] == [("individual", "new")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new"]  # no staging folder left
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask  # as mkdir would make it


def test_a_failed_render_into_a_folder_with_files_leaves_it_and_its_manifest_as_they_were(
    wave, tmp_path, monkeypatch
):
    import reports.api

    out = tmp_path / "people"
    out.mkdir()
    (out / "notes.txt").write_text("keep\n")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = []

    def fail_third(*a, **k):
        calls.append(1)
        if len(calls) == 3:
            raise CentricError("rendering failed")
        return b"%PDF-1.7 fake %%EOF"

    monkeypatch.setattr(reports.api, "render_individual_pdf", fail_third)
    with pytest.raises(CentricError, match="rendering failed"):
        _all(wave, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no record, no staging


def test_a_stale_staging_folder_is_removed_and_a_running_one_left_alone(wave, tmp_path):
    """What a killed run leaves (a staging folder nobody holds) goes at the next run; the
    staging folder of a run in progress (its flock held) stays."""
    out = tmp_path / "people"
    stale = tmp_path / ".people.centric-reports-dead"
    stale.mkdir()
    (stale / "individual-R1.pdf").write_bytes(b"%PDF never put in place")
    running = tmp_path / ".people.centric-reports-live"
    running.mkdir()
    fd = os.open(running, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _all(wave, out)
        assert not stale.exists()
        assert running.exists()
    finally:
        os.close(fd)


def test_an_interrupted_set_in_a_folder_with_files_is_completed_by_the_next_run(wave, tmp_path):
    """A journal in the staging folder means the set was complete and being moved: the next run
    moves the rest before it writes its own set."""
    from reports.batch import recover_report_sets

    out = tmp_path / "people"
    out.mkdir()
    (out / "old.pdf").write_bytes(b"old")
    stage = out / ".centric-reports-killed"
    stage.mkdir()
    for name in ("individual-A.pdf", "individual-B.pdf"):
        (stage / name).write_bytes(b"%PDF " + name.encode())
    (stage / ".centric-journal.json").write_text(
        json.dumps(
            {
                "format": "centric-report-set",
                "files": ["individual-Z.pdf", "individual-A.pdf", "individual-B.pdf"],
            }
        )
    )
    assert recover_report_sets(out) == [out / "individual-A.pdf", out / "individual-B.pdf"]
    assert sorted(p.name for p in out.iterdir()) == ["individual-A.pdf", "individual-B.pdf", "old.pdf"]  # fmt: skip
    assert recover_report_sets(out) == []
