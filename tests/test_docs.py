"""The docs are true, and stay true (issue 9, items 6 and 7).

- Every ``centric`` line of a ```` ```sh ```` / ```` ```bash ```` block in README.md and docs/*.md
  runs and exits 0, in a newcomer's folder holding the Northwind demo data under the names the
  docs use (``responses.csv``, ``2026-H1.csv``, ``acme.db``, ...; see :class:`Newcomer`). Only
  the commands in :data:`SKIP` are not run, each for the reason given there.
- Every ```` ```console ```` transcript (``$ centric ...``, its output, ``$ echo $?`` and the code)
  is compared with what the command really prints. A fenced block right below a line
  ``<!-- file: answers.csv -->`` is written to that file before the page's commands run.
- Every option of every ``--help`` is mentioned in its command's section of docs/cli.md, and the
  generated docs/cli-reference.md is current (``tests/gen_cli_reference.py``).
- The README's claims match the docs and the code: the AGI anchors, the make targets, the links.

Commands run in-process (click's ``CliRunner``). ``responses.csv`` holds 22 of the 60 Northwind
respondents of 2026-H1, so that ``report individual --all`` renders 22 PDFs, not 60; the other
files are the demo's own.
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from assessment.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
CLI_MD = ROOT / "docs" / "cli.md"

#: Documented commands that are not run, and why. A key that matches no example fails the suite.
SKIP = {
    "centric demo --out demo-output": "writes 63 PDFs (30-60 s); the folder is made by demo --no-reports",
    "centric demo --out /tmp/nw": "writes 63 PDFs (30-60 s) outside the test folder",
    "postgresql+psycopg://": "needs a PostgreSQL server",
}

#: Documented commands that fail because of a product bug: they run and must fail (strictly, like
#: an xfail); when one passes, the test says to remove it here.
KNOWN_BUGS: dict[str, str] = {}

FENCE = re.compile(
    r"(?:^<!-- file: (?P<name>\S+) -->\n)?"
    r"^(?P<indent>[ ]*)```(?P<info>[^`\n]*)\n(?P<body>.*?)^(?P=indent)```[ ]*$",
    re.M | re.S,
)


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    lang: str
    name: str  # the file of a `<!-- file: NAME -->` line just above the fence, or ""
    body: str


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a markdown page (indented ones too, e.g. inside a list item)."""
    text = page.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        info = m["info"].split()
        indent = len(m["indent"])
        body = "".join(line[indent:] for line in m["body"].splitlines(keepends=True))
        line = text.count("\n", 0, m.start("indent")) + 1
        out.append(Block(page, line, info[0] if info else "", m["name"] or "", body))
    return out


@dataclass(frozen=True)
class Command:
    """One ``centric`` invocation of a page: ``[VAR=value ...] centric ARGS [> FILE]``."""

    where: str  # page:line
    text: str
    args: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()
    redirect: str | None = None


def parse_command(where: str, tokens: list[str]) -> Command | None:
    env = []
    while tokens and re.fullmatch(r"[A-Z_]+=.*", tokens[0]):
        name, _, value = tokens.pop(0).partition("=")
        env.append((name, value))
    if not tokens or tokens[0] != "centric":
        return None  # `make demo`, `export ...`: not a centric command
    redirect = None
    if ">" in tokens:
        i = tokens.index(">")
        tokens, redirect = tokens[:i], tokens[i + 1]
    text = shlex.join([*(f"{k}={v}" for k, v in env), *tokens])
    return Command(where, text, tuple(tokens[1:]), tuple(env), redirect)


def shell_commands(block: Block) -> list[Command]:
    """The ``centric`` commands of a sh/bash block, ``&&`` chains split, comments dropped."""
    out = []
    lines = block.body.replace("\\\n", " ").splitlines()
    for offset, line in enumerate(lines):
        where = f"{block.page.name}:{block.line + 1 + offset}"
        tokens = shlex.split(line, comments=True)
        while tokens:
            i = tokens.index("&&") if "&&" in tokens else len(tokens)
            command = parse_command(where, tokens[:i])
            if command is not None:
                out.append(command)
            tokens = tokens[i + 1 :]
    return out


@dataclass(frozen=True)
class Transcript:
    command: Command
    output: str
    exit_code: int


def transcripts(block: Block) -> list[Transcript]:
    """``$ centric ...`` lines of a console block, each with the output shown below it and the
    code of the following ``$ echo $?`` (0 when there is none)."""
    out: list[Transcript] = []
    current: tuple[Command, list[str]] | None = None
    lines = block.body.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        where = f"{block.page.name}:{block.line + 1 + i}"
        if line.startswith("$ echo $?"):
            assert current is not None, f"{where}: echo $? without a command"
            out.append(Transcript(current[0], "\n".join(current[1]), int(lines[i + 1])))
            current = None
            i += 2
            continue
        if line.startswith("$ "):
            if current is not None:
                out.append(Transcript(current[0], "\n".join(current[1]), 0))
            command = parse_command(where, shlex.split(line[2:]))
            assert command is not None, f"{where}: a transcript runs `centric`"
            current = (command, [])
        elif current is not None:
            current[1].append(line)
        i += 1
    if current is not None:
        out.append(Transcript(current[0], "\n".join(current[1]), 0))
    return out


def skip_reason(command: Command) -> str | None:
    return next((why for key, why in SKIP.items() if key in command.text), None)


# -- the newcomer's folder -----------------------------------------------------------------------


def invoke(args: list[str] | tuple[str, ...], env: dict[str, str | None] | None = None) -> Result:
    """``centric ARGS`` in-process, as a user's shell would run it (no CENTRIC_DB of ours)."""
    return CliRunner().invoke(
        cli,
        list(args),
        prog_name="centric",
        env={"CENTRIC_DB": None, **(env or {})},
        input="y\n",  # `respondent delete` without --yes asks
        terminal_width=80,
    )


def must(args: list[str]) -> None:
    result = invoke(args)
    assert result.exit_code == 0, (args, result.output, result.exception)


def _write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _json_records(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    def num(v: str) -> int | None:
        return int(v) if v else None

    return [
        {
            **r,
            "current": num(r["current"]),
            "target": num(r["target"]),
            "confidence": num(r["confidence"]),
            "na": r["na"] == "true",
        }
        for r in rows
    ]


@dataclass
class Newcomer:
    """A folder holding what the docs' examples name, and the results of the commands run in it
    (each distinct command line once per session, in page order)."""

    folder: Path
    results: dict[str, Result] = field(default_factory=dict)

    def run(self, command: Command) -> Result:
        if command.text not in self.results:
            with contextlib.chdir(self.folder):
                result = invoke(command.args, dict(command.env))
                if command.redirect and result.exit_code == 0:
                    Path(command.redirect).write_bytes(result.stdout_bytes)
            self.results[command.text] = result
        return self.results[command.text]

    def write_files(self, page: Path) -> None:
        for block in blocks(page):
            if block.name:
                path = self.folder / block.name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(block.body, encoding="utf-8")


@pytest.fixture(scope="session")
def newcomer(tmp_path_factory: pytest.TempPathFactory) -> Newcomer:
    """Northwind under the names the docs use: the demo folder, the waves, a 22-person
    ``responses.csv`` (with NW-M03), its JSON form and halves, both waves in ``acme.db`` and
    ``assessments.db``, an XLSX export, and a draft instrument."""
    folder = tmp_path_factory.mktemp("newcomer")
    demo = folder / "demo-output"
    must(["demo", "--out", str(demo), "--no-reports", "--bootstrap", "0"])
    h1, h2 = demo / "northwind-2026-H1.csv", demo / "northwind-2026-H2.csv"
    shutil.copy(h1, folder / "2026-H1.csv")
    shutil.copy(h2, folder / "2026-H2.csv")
    shutil.copy(h2, folder / "pilot-answers.csv")  # a 1.1.0 wave for `questionnaire pilot`
    with h2.open(
        encoding="utf-8"
    ) as fh:  # one executive's own answers (the guide's self-assessment)
        reader = csv.DictReader(fh)
        me = [r for r in reader if r["respondent"] == "NW-E05"]
        _write_csv(folder / "me-answers.csv", list(reader.fieldnames or ()), me)
    with h1.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames or ()), list(reader)
    people = sorted({r["respondent"] for r in rows})
    chosen = {p for p in people if p.startswith("NW-E")}
    chosen |= set([p for p in people if p.startswith("NW-M")][:6])
    chosen |= set([p for p in people if p.startswith("NW-S")][:8])
    assert "NW-M03" in chosen and len(chosen) == 22
    mine = [r for r in rows if r["respondent"] in chosen]
    _write_csv(folder / "responses.csv", header, mine)
    half = sorted(chosen)[::2]
    _write_csv(folder / "a.csv", header, [r for r in mine if r["respondent"] in half])
    _write_csv(folder / "b.csv", header, [r for r in mine if r["respondent"] not in half])
    (folder / "wave.json").write_text(
        json.dumps(
            {
                "instrument": "customer-centricity@1.0.0",
                "wave": "2026-H1",
                "responses": _json_records(mine),
            }
        ),
        encoding="utf-8",
    )
    with contextlib.chdir(folder):
        all_waves = Path("all-waves.csv")  # 2026-H2 (1.1.0) has a points column; H1 none
        both = [list(csv.DictReader(f.open(encoding="utf-8"))) for f in (h1, h2)]
        columns = list(dict.fromkeys([c for rows in both for c in rows[0]]))
        _write_csv(all_waves, columns, [r for rows in both for r in rows])
        for db, org in (("acme.db", "acme"), ("assessments.db", "northwind")):
            must(["db", "upgrade", "--db", db])
            must(["import", "all-waves.csv", "--db", db, "--org", org])
        export = ["export", "--db", "acme.db", "--org", "acme", "--wave", "2026-H1"]
        must([*export, "--format", "xlsx", "-o", "answers.xlsx"])
    drafts = folder / "drafts"
    drafts.mkdir()
    shipped = (ROOT / "questionnaires" / "customer-centricity" / "1.0.0.yaml").read_text("utf-8")
    (drafts / "2.0.0.yaml").write_text(shipped, encoding="utf-8")  # a copy left at 1.0.0
    newest = (ROOT / "questionnaires" / "customer-centricity" / "1.1.0.yaml").read_text("utf-8")
    draft = newest.replace("\nversion: 1.1.0\n", "\nversion: 1.2.0\n", 1)
    assert draft != newest
    (drafts / "1.2.0.yaml").write_text(draft, encoding="utf-8")
    return Newcomer(folder)


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def _shown(result: Result) -> str:
    text = result.output[-3000:]
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        text += f"\n{type(result.exception).__name__}: {result.exception}"
    return text


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_the_examples_of_a_page_run_as_documented(newcomer: Newcomer, page: Path) -> None:
    """Every sh/bash example exits 0 and every console transcript prints what the page shows."""
    newcomer.write_files(page)
    failures = []
    for block in blocks(page):
        if block.lang in ("sh", "bash"):
            for command in shell_commands(block):
                if skip_reason(command):
                    continue
                result = newcomer.run(command)
                bug = next((why for key, why in KNOWN_BUGS.items() if key in command.text), None)
                if bug is not None:
                    if result.exit_code == 0:
                        failures.append(f"{command.where}: `{command.text}` works: drop {bug!r}")
                elif result.exit_code != 0:
                    failures.append(
                        f"{command.where}: `{command.text}` exited {result.exit_code}:\n"
                        + _shown(result)
                    )
        elif block.lang == "console":
            for t in transcripts(block):
                result = newcomer.run(t.command)
                real = "\n".join(line.rstrip() for line in result.output.splitlines()).strip()
                if (real, result.exit_code) != (t.output.strip(), t.exit_code):
                    failures.append(
                        f"{t.command.where}: `{t.command.text}` documented (exit {t.exit_code}):\n"
                        f"{t.output}\nbut printed (exit {result.exit_code}):\n{_shown(result)}"
                    )
    assert not failures, "\n\n".join(failures)


def test_every_skipped_example_still_exists() -> None:
    """A SKIP entry that matches no example is stale: remove it so the example is run."""
    commands = [
        c
        for page in PAGES
        for b in blocks(page)
        if b.lang in ("sh", "bash")
        for c in shell_commands(b)
    ]
    stale = [key for key in [*SKIP, *KNOWN_BUGS] if not any(key in c.text for c in commands)]
    assert not stale, f"SKIP entries without an example: {stale}"


def test_the_docs_show_examples_of_every_command() -> None:
    """The parser finds the examples (a broken fence would silently test nothing)."""
    commands = [c for b in blocks(CLI_MD) if b.lang in ("sh", "bash") for c in shell_commands(b)]
    shown = {c.args[0] for c in commands}
    assert shown >= {"score", "demo", "questionnaire", "report", "db", "respondent", "import"}
    assert {"export", "template"} <= shown
    assert sum(len(transcripts(b)) for b in blocks(CLI_MD) if b.lang == "console") >= 2


# -- the CLI reference ---------------------------------------------------------------------------


def _commands() -> list[tuple[tuple[str, ...], click.Command]]:
    import gen_cli_reference

    out = []
    for path in gen_cli_reference.command_paths():
        cmd: click.Command = cli
        for name in path:
            assert isinstance(cmd, click.Group)
            sub = cmd.get_command(click.Context(cmd), name)
            assert sub is not None
            cmd = sub
        out.append((path, cmd))
    return out


def _section(text: str, top: str) -> str:
    m = re.search(rf"^## centric {re.escape(top)}\n.*?(?=^## |\Z)", text, re.M | re.S)
    return m.group(0) if m else ""


def test_every_option_of_help_is_in_its_section_of_cli_md() -> None:
    """Each option and subcommand that ``--help`` shows is named in docs/cli.md, in the section
    of its command (issue 9: --root, --workers, --max-size, --department were missing)."""
    text = CLI_MD.read_text(encoding="utf-8")
    missing = []
    for path, cmd in _commands():
        if not path:
            continue
        section = _section(text, path[0])
        if not section:
            missing.append(f"centric {path[0]}: no section")
            continue
        if len(path) > 1 and not re.search(rf"`{re.escape(path[-1])}\b", section):
            missing.append(f"centric {' '.join(path)}: subcommand not named")
        for p in cmd.params:
            if not isinstance(p, click.Option) or "--help" in p.opts:
                continue
            names = [*p.opts, *p.secondary_opts]
            if not any(re.search(rf"`[^`]*{re.escape(o)}(?![\w-])", section) for o in names):
                missing.append(f"centric {' '.join(path)} {'/'.join(p.opts)}")
    assert not missing, "docs/cli.md does not mention: " + "; ".join(missing)


def test_trend_options_are_documented_for_trend() -> None:
    """``report trend`` has --instrument but no --db: cli.md and reports.md say so."""
    trend = dict(_commands())[("report", "trend")]
    names = {o for p in trend.params for o in p.opts}
    assert "--instrument" in names and "--db" not in names
    section = _section(CLI_MD.read_text(encoding="utf-8"), "report")
    assert re.search(r"`trend`[^.]*with `--instrument`", section)
    assert "not read from the database" in section
    reports_md = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    assert "`trend` reads one response file per wave and has no `--db`" in reports_md


def test_the_generated_cli_reference_is_current() -> None:
    import gen_cli_reference

    assert (ROOT / "docs" / "cli-reference.md").read_text(encoding="utf-8") == (
        gen_cli_reference.render()
    ), "docs/cli-reference.md is out of date: run .venv/bin/python tests/gen_cli_reference.py"


# -- help texts that were wrong ------------------------------------------------------------------


def _help(*path: str) -> str:
    result = invoke([*path, "--help"])
    assert result.exit_code == 0
    return " ".join(re.sub(r"(?<=\w-)\n\s*", "", result.output).split())  # undo wrapping


def test_demo_help_names_personal_reports_as_they_are_written() -> None:
    from reports.batch import individual_filename

    assert individual_filename("NW-E01") == "individual-NW-E01.pdf"
    assert "individual/individual-<respondent>.pdf" in _help("demo")
    assert "reports/individual/individual-<respondent>.pdf" in CLI_MD.read_text(encoding="utf-8")


def test_date_help_promises_no_default_date() -> None:
    """No date is printed without --date (the view model's date is empty): the help says so."""
    for sub in ("team", "individual", "trend"):
        text = _help("report", sub)
        assert "--date TEXT Date printed on the cover [default: none; never the clock]" in text
        assert "wave id; never" not in text


def test_min_group_help_gives_the_trend_default_and_the_floor_of_3() -> None:
    for sub in ("team", "individual", "trend"):
        text = _help("report", sub)
        assert "[default: 3; trend: 5]. Below 3 only with --named-workshop" in text
    assert "5 suggested" not in CLI_MD.read_text(encoding="utf-8")


def test_min_group_below_3_is_refused_without_named_workshop(newcomer: Newcomer) -> None:
    args = ["score", "responses.csv", "--min-group", "2", "--bootstrap", "0"]
    with contextlib.chdir(newcomer.folder):
        refused, allowed = invoke(args), invoke([*args, "--named-workshop"])
    assert refused.exit_code == 2 and "named" in refused.output
    assert allowed.exit_code == 0, allowed.output


def test_validate_refuses_a_file_named_after_another_version_in_any_folder(
    tmp_path: Path,
) -> None:
    """``validate drafts/2.0.0.yaml`` of a 1.0.0 file passed: the check ran only inside a folder
    named after the instrument. Files not named like a version are not checked."""
    shipped = (ROOT / "questionnaires" / "customer-centricity" / "1.0.0.yaml").read_text("utf-8")
    for name in ("2.0.0.yaml", "1.0.0.yaml", "draft.yaml"):
        (tmp_path / name).write_text(shipped, encoding="utf-8")
    with contextlib.chdir(tmp_path):
        wrong = invoke(["questionnaire", "validate", "2.0.0.yaml"])
        right = invoke(["questionnaire", "validate", "1.0.0.yaml", "draft.yaml"])
    assert wrong.exit_code == 2
    assert "2.0.0.yaml: the file name says version 2.0.0 but the file says 1.0.0" in wrong.output
    assert right.exit_code == 0, right.output


# -- the README's claims -------------------------------------------------------------------------


def test_readme_agi_anchors_match_the_methodology_and_the_code() -> None:
    """The README said "100 = two camps at opposite ends"; two equal camps of n give 50·n/(n−1)."""
    from itertools import product

    from scoring.alignment import alignment_gap

    readme = " ".join(README.read_text(encoding="utf-8").split())
    methodology = " ".join((ROOT / "docs" / "methodology.md").read_text(encoding="utf-8").split())
    assert "100 = two camps" not in readme
    assert "0 = everyone agrees" in readme and alignment_gap([3.0] * 8, 1, 5) == 0
    random_ = re.search(r"(\d+) = answers picked at random", readme)
    assert random_, "README: the random-answers anchor"
    pairs = list(product(range(1, 6), repeat=2))
    expected_random = 100 * sum(abs(a - b) for a, b in pairs) / len(pairs) / 4
    assert float(random_[1]) == expected_random == 40
    assert "five options of a 5-point scale give 40" in methodology
    camps = re.search(r"([\d.]+) = a team of (\d+) split into two equal camps", readme)
    assert camps, "README: the two-camps anchor"
    n = int(camps[2])
    value = alignment_gap([1.0] * (n // 2) + [5.0] * (n // 2), 1, 5)
    assert float(camps[1]) == round(value, 1) == round(50 * n / (n - 1), 1)
    assert "50·n/(n−1)" in readme and "`50 · n/(n − 1)`" in methodology
    assert f"({round(value)} for a team of {n}" in methodology


def _make_targets() -> dict[str, str]:
    """Makefile target -> its recipe."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = {}
    for m in re.finditer(r"^([a-z][\w-]*):[^=\n]*\n((?:\t.*\n?)*)", text, re.M):
        targets[m[1]] = m[2]
    return targets


def test_readme_make_targets_exist_and_say_what_they_run() -> None:
    """Every documented `make X` exists, every phony target is documented, and lint/format name
    each tool their recipe runs (the README's `make lint` omitted mypy)."""
    targets = _make_targets()
    phony = re.search(r"^\.PHONY:(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert phony
    rows = dict(re.findall(r"^\| `make ([\w-]+)` \| (.*) \|$", README.read_text("utf-8"), re.M))
    assert set(rows) <= set(targets), set(rows) - set(targets)
    assert set(phony[1].split()) <= set(rows), set(phony[1].split()) - set(rows)
    for name in ("lint", "format"):
        for tool in re.findall(r"\$\(BIN\)/(\w+(?: (?!\.)[\w-]+)*)", targets[name]):
            assert tool in rows[name], f"README: `make {name}` does not say it runs {tool}"


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors of a page."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    return {
        re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
        for h in re.findall(r"^#+ (.*)$", text, re.M)
    }


def test_doc_links_resolve() -> None:
    """Every relative link and image of README.md and docs/*.md names a file that exists, and
    an anchor that is a heading of it."""
    broken = []
    for page in PAGES:
        text = FENCE.sub("", page.read_text(encoding="utf-8"))
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # http(s), mailto
            file, _, anchor = target.partition("#")
            path = (page.parent / file).resolve() if file else page
            if not path.exists():
                broken.append(f"{page.name}: {target} (no such file)")
            elif anchor and path.suffix == ".md" and anchor not in _anchors(path):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken, broken


def test_every_doc_page_is_linked_from_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    unlinked = [p.name for p in DOCS if f"](docs/{p.name})" not in readme]
    assert not unlinked, f"README.md links none of: {unlinked}"


def test_docs_cite_no_design_file_outside_the_repository() -> None:
    """DESIGN.md is not in the repository: the docs cite docs pages instead."""
    cited = [p.name for p in PAGES if re.search(r"DESIGN(\.md| §)", p.read_text("utf-8"))]
    assert not cited, cited
