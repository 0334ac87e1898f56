"""The team report, rendered ONCE per module from Northwind Telecom 2026-H1 (scored by the real
``scoring.score_wave``), and checked by its text, outline and metadata with pypdf.

Anonymity, hostile input, determinism and the absence of WeasyPrint warnings are checked on the
same PDF. Expected numbers come from the WaveResult the report was built from.
"""

from __future__ import annotations

import io
import logging
import re

import pytest
from test_reports_support import JINJA, LONG_WORD, SMALL_DEPARTMENT, scored

from reports import ReportOptions
from reports.anonymity import suppress_groups
from reports.formatting import fmt_agi, fmt_num

pypdf = pytest.importorskip("pypdf")


@pytest.fixture(scope="module")
def wave():
    return scored()


@pytest.fixture(scope="module")
def team_pdf(wave) -> bytes:
    from reports import render_team_pdf

    inst, rs, wr = wave
    # strict=True: any WeasyPrint warning (bad CSS, missing image, ...) raises ReportError
    return render_team_pdf(wr, rs, inst, ReportOptions(), strict=True)


@pytest.fixture(scope="module")
def reader(team_pdf):
    return pypdf.PdfReader(io.BytesIO(team_pdf))


@pytest.fixture(scope="module")
def text(reader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _outline(items, depth=0):
    for it in items:
        if isinstance(it, list):
            yield from _outline(it, depth + 1)
        else:
            yield depth, it.title


def test_outline_has_every_section(reader):
    titles = [t for _, t in _outline(reader.outline)]
    for section in (
        "Executive summary",
        "Maturity today and target",
        "Alignment of the management team",
        "Where views differ",
        "Most-disputed items",
        "Staged roadmap",
        "Business case",
        "Does the team agree? Reliability",  # issue 12: a section of Appendix B
        "Appendix A · Methodology",
        "Appendix B · Reliability and technical statistics",
    ):
        assert section in titles, section
    # issue 12: the board report leaves the questionnaire out and points to the command instead
    assert not any(t.startswith("Appendix C") for t in titles)
    # h2 become second-level bookmarks
    assert (1, "The findings that matter most") in list(_outline(reader.outline))
    assert "Alignment map: the camps in the room" in titles
    assert "Contents" not in titles  # the table of contents is not its own bookmark


def test_toc_gives_page_numbers_of_sections(reader):
    toc = reader.pages[1].extract_text()
    assert "Contents" in toc
    # the page the outline points to is the number printed in the contents
    for dest in reader.outline:
        if isinstance(dest, list) or dest.title != "Business case":
            continue
        page = reader.get_destination_page_number(dest) + 1
        assert f"Business case {page}" in " ".join(toc.split())


def test_headline_numbers_equal_the_scoring_result(wave, text):
    _inst, _rs, wr = wave
    overall = wr.agi_for("overall", "management", "current")
    assert f"Alignment Gap Index is {fmt_agi(overall.value)} of 100" in " ".join(text.split())
    met = wr.agi_for("MET", "management", "current")
    assert f"AGI {fmt_agi(met.value)}" in text  # dot-plot label (SVG text is real PDF text)
    assert met.band == "misaligned"
    # the summary leads with scoring's most salient finding, in scoring's words (issue 12)
    flat = " ".join(text.split())
    lead = max(wr.findings, key=lambda f: f.salience)
    assert lead.capability_id == "MET" and " ".join(lead.headline.split()) in flat
    mgmt_text = "Management team (n = 8): AGI " + fmt_agi(met.value)
    assert mgmt_text in flat or f"AGI {fmt_agi(met.value)}" in flat


def test_capability_level_and_median_in_the_glance_table(wave, text):
    inst, _rs, wr = wave
    flat = " ".join(text.split())
    for cid in ("MET", "SYS", "VOC"):
        name = inst.capability(cid).name
        lv, sc = wr.level(cid), wr.score(cid)
        # the verdict, then the management team's level, AGI and band, then the organisation's
        # level, target and median (issue 10 review, findings 1, 3, 4)
        mg = lv.management.level if lv.management is not None else "–"
        row = (
            rf"{re.escape(name)} (yes|no|no — split|too few to tell|not computed) {mg} \d+ "
            rf"[a-z ]+? {lv.level} {lv.target_level} "
        )
        assert re.search(row + re.escape(fmt_num(sc.median)), flat), row


def test_business_case_without_engagement_is_one_line_never_the_worked_example(text):
    """Issue 12: the business case comes from the client's engagement file; without one the
    report says it is left out. The worked example (1,000 customers × $1,000) was a placeholder
    printed in client reports; it stays a test vector in tests/test_wave.py only."""
    from reports.views.team import NO_ENGAGEMENT_NOTE

    flat = " ".join(text.split())
    assert " ".join(NO_ENGAGEMENT_NOTE.split()) in flat
    for placeholder in ("$780,000", "$890,000", "$320,000", "replace the defaults"):
        assert placeholder not in flat, placeholder


def test_small_department_and_its_complement_are_not_shown(wave, text):
    _inst, rs, _wr = wave
    counts: dict[str, int] = {}
    for r in rs.respondents:
        counts[r.department] = counts.get(r.department, 0) + 1
    sup = suppress_groups(counts, k=3)
    assert sup.primary == (SMALL_DEPARTMENT,)
    assert len(sup.secondary) == 1  # Legal alone would be total − all shown departments
    assert SMALL_DEPARTMENT not in text
    secondary = sup.secondary[0]
    assert f"{secondary} ({counts[secondary]})" not in text  # no heatmap column
    shown = sup.shown[0]
    assert f"{shown} ({counts[shown]})" in " ".join(text.split())
    assert "2 departments are not shown" in " ".join(text.split())


def test_hostile_comments_are_printed_literally(text):
    assert "<script>" in text
    assert "{{ 7*7 }}" in text
    assert JINJA.replace("{{ 7*7 }}", "49") not in text  # never evaluated


def test_a_300_character_word_wraps(text):
    assert LONG_WORD not in text  # broken over several lines...
    assert "W" * 40 in text  # ...but printed


def test_metadata_is_set_and_carries_no_dates(reader, team_pdf):
    meta = reader.metadata
    assert "Customer-centricity alignment" in meta.title
    assert meta.author == "centric"
    assert "customer centricity" in meta.get("/Keywords", "")
    assert "/CreationDate" not in meta and "/ModDate" not in meta


def test_cover_prints_wave_instrument_and_hashes(wave, reader):
    _inst, _rs, wr = wave
    cover = " ".join(reader.pages[0].extract_text().split())
    assert wr.wave in cover
    assert wr.instrument_ref in cover
    assert wr.data_hash[:30] in cover.replace(" ", "")
    assert wr.instrument_hash[:30] in cover.replace(" ", "")


def test_pages_are_numbered(reader):
    n = len(reader.pages)
    assert f"3 / {n}" in reader.pages[2].extract_text()


def test_same_inputs_give_a_byte_identical_pdf(wave, team_pdf):
    from reports import render_team_pdf

    inst, rs, wr = wave
    assert render_team_pdf(wr, rs, inst, ReportOptions()) == team_pdf


def test_strict_mode_fails_on_a_weasyprint_warning():
    from questionnaires.errors import ReportError
    from reports.render import html_to_pdf

    with pytest.raises(ReportError, match="warnings"):
        html_to_pdf('<p style="colour: nonsense-property">x</p>', strict=True)


def test_a_missing_image_stops_the_render_naming_it():
    """Before the URL fetcher a missing image was only a warning; now it is refused by name."""
    from questionnaires.errors import ReportError
    from reports.render import html_to_pdf

    with pytest.raises(ReportError, match=r"missing\.png.*not a report resource"):
        html_to_pdf('<img src="missing.png">')


def test_no_weasyprint_warning_is_logged(wave, caplog):
    from reports import render_individual_pdf

    inst, rs, wr = wave
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_individual_pdf(wr, rs, inst, rs.respondents[0].id)
    from reports.render import _ENVIRONMENT_WARNINGS

    problems = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("weasyprint") and not r.getMessage().startswith(_ENVIRONMENT_WARNINGS)
    ]
    assert problems == []


def test_rendered_report_keeps_index_names_in_their_case_and_no_retired_wording(text):
    """Consultant review (issue 10): Appendix B printed "R*WG(J)", the flag note claimed statements
    "shown here" when none were shown, and the band words claimed random answering."""
    flat = " ".join(text.split())
    assert "R*WG" not in flat and "r*wg(J) EVERYONE" in flat  # the header, in its own case
    for retired in ("like random answering", "as spread as if", "no statement shown here"):
        assert retired not in flat, retired
    assert "UNADJUSTED" in flat.upper() and "too few to tell" in flat
    assert "Management team (n = 8)" in flat and "Organisation (n = 60)" in flat
