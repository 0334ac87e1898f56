"""Report benchmarks (``make bench``): ratios measured side by side in one run, absolute times printed.

1. Team report, Northwind 60 respondents: our full pipeline from the WaveResult (view model, charts,
   template, PDF) against WeasyPrint alone laying out the same final HTML with the same stylesheet.
   Budget: pipeline ≤ 1.5 × WeasyPrint alone.
2. Sixty personal reports: a 2-process pool against one at a time. Budget: pool ≥ 1.6 × faster.
   (Needs two free cores; on a busy shared machine the speed-up is lower.)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from test_reports_support import scored

pytestmark = pytest.mark.bench


def _best(fn, repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), times


def test_team_report_pipeline_vs_weasyprint_alone():
    from weasyprint import CSS, HTML

    from reports import ReportOptions, render_team_pdf, team_report_html
    from reports.render import PACKAGE_DIR, stylesheet_path

    inst, rs, wr = scored()
    opts = ReportOptions()
    html = team_report_html(wr, rs, inst, opts)
    render_team_pdf(wr, rs, inst, opts)  # warm: imports, fonts, matplotlib

    def weasyprint_alone() -> bytes:
        return HTML(string=html, base_url=str(PACKAGE_DIR)).write_pdf(
            stylesheets=[CSS(filename=str(stylesheet_path()))]
        )

    def pipeline() -> bytes:
        return render_team_pdf(wr, rs, inst, opts)

    weasy, ours = [], []
    for _ in range(3):  # interleaved, so load on the machine hits both alike
        weasy.append(_best(weasyprint_alone, 1)[0])
        ours.append(_best(pipeline, 1)[0])
    w, p = statistics.median(weasy), statistics.median(ours)
    ratio = p / w
    print(
        f"\nteam report, {wr.n_respondents} respondents: WeasyPrint alone {w:.2f} s, "
        f"full pipeline {p:.2f} s, ratio {ratio:.2f} (budget 1.5); HTML {len(html) / 1024:.0f} KiB"
    )
    assert ratio <= 1.5


def test_individual_batch_two_processes_vs_serial():
    from assessment.io.atomic import atomic_write_bytes
    from reports import ReportOptions
    from reports.batch import write_individual_reports
    from reports.render import _engine

    inst, rs, wr = scored()
    opts = ReportOptions()
    _engine()
    load_before = os.getloadavg()[0]
    write_individual_reports(
        wr,
        rs,
        inst,
        tempfile.mkdtemp(),
        opts,
        respondents=[rs.respondents[0].id],
        workers=1,
        write=atomic_write_bytes,
    )
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        t = time.perf_counter()
        serial = write_individual_reports(
            wr, rs, inst, a, opts, workers=1, write=atomic_write_bytes
        )
        t_serial = time.perf_counter() - t
        t = time.perf_counter()
        pooled = write_individual_reports(
            wr, rs, inst, b, opts, workers=2, write=atomic_write_bytes
        )
        t_pool = time.perf_counter() - t
        assert [p.name for p in serial] == [p.name for p in pooled]
        assert all(Path(a, p.name).read_bytes() == p.read_bytes() for p in pooled)
    speedup = t_serial / t_pool
    print(
        f"\n{len(serial)} personal reports: one at a time {t_serial:.1f} s "
        f"({t_serial / len(serial):.2f} s each), 2 processes {t_pool:.1f} s, speed-up {speedup:.2f} "
        f"(budget 1.6; cores {os.cpu_count()}, load {os.getloadavg()[0]:.1f})"
    )
    if speedup < 1.6 and load_before >= 0.5 * (os.cpu_count() or 1):
        pytest.xfail(
            f"speed-up {speedup:.2f} < 1.6 with other work on the machine (load {load_before:.1f} "
            "before the run): two free cores are needed for this budget"
        )
    assert speedup >= 1.6
