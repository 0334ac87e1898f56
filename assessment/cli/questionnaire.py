"""``centric questionnaire``: list, show, validate, diff, lock, pilot instruments; print their schema.

Thin by design: every command parses its arguments, calls one function of the
:mod:`questionnaires` floor and formats the result. Data goes to stdout, messages to stderr. Only pydantic, PyYAML and click are
imported here, so ``centric questionnaire --help`` stays fast.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from assessment.cli._common import (
    csv_text,
    describe_error,
    dumps,
    emit,
    format_table,
    load_responses,
    output_option,
    output_options,
    responses_source,
    user_errors,
)
from questionnaires.errors import QuestionnaireError

if TYPE_CHECKING:
    from questionnaires.model import ChangeKind

F = TypeVar("F", bound=Callable[..., Any])

CHANGE_KINDS: tuple[ChangeKind, ...] = ("same", "reworded", "rescaled", "removed", "new")


def root_option(func: F) -> F:
    """``--root DIR``: the folder holding ``<id>/<version>.yaml`` and ``lock.json``."""
    return click.option(
        "--root",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Questionnaire folder (default: the instruments shipped with centric).",
    )(func)


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _data(rows: list[dict[str, Any]], columns: list[tuple[str, str]], fmt: str) -> str:
    """``rows`` as a table (``columns`` are ``(key, heading)``), JSON or CSV."""
    if fmt == "json":
        return _json(rows)
    if fmt == "csv":
        return csv_text(rows, [k for k, _ in columns])
    return format_table(rows, columns)


def _load(ref: str, root: Path | None = None) -> Any:
    """An instrument by ``id[@version]`` or by file path."""
    from questionnaires.catalogue import get_instrument
    from questionnaires.loader import load_instrument

    if Path(ref).suffix in (".yaml", ".yml") or Path(ref).is_file():
        return load_instrument(ref)
    return get_instrument(ref, root)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def questionnaire() -> None:
    """List, show, validate, diff, pilot and publish questionnaire instruments.

    An instrument is one YAML file per version, questionnaires/<id>/<version>.yaml.
    Published versions are immutable; their content hashes are kept in lock.json.

    \b
    Example:
      centric questionnaire list
      centric questionnaire show customer-centricity@1.0.0
      centric questionnaire validate my-instrument/1.0.0.yaml
    """


def _files(*refs: str) -> tuple[str, ...]:
    """The refs that name instrument files (inputs ``-o`` must never overwrite)."""
    return tuple(r for r in refs if Path(r).is_file())


@questionnaire.command("list")
@output_options
@root_option
@user_errors
def list_(fmt: str, output: Path | None, root: Path | None) -> None:
    """List every available instrument version with its hash and lock state.

    The state is "locked" (published, unchanged), "unpublished" (not yet in
    lock.json) or "changed" (edited after publication: an error).

    \b
    Example:
      centric questionnaire list
      centric questionnaire list --format json
      centric questionnaire list --format csv -o instruments.csv
    """
    from questionnaires.catalogue import list_instruments
    from questionnaires.loader import load_instrument
    from questionnaires.lock import lock_status

    states = {ref: state for ref, _, state in lock_status(root)}
    rows: list[dict[str, Any]] = []
    for ident, version, path in list_instruments(root):
        inst = load_instrument(path)
        rows.append(
            {
                "ref": inst.ref,
                "id": ident,
                "version": version,
                "title": inst.title,
                "capabilities": len(inst.capabilities),
                "items": len(inst.items),
                "supersedes": inst.supersedes,
                "hash": inst.content_hash,
                "lock": states.get(inst.ref, "unpublished"),
                "path": str(path),
            }
        )
    if fmt == "table":
        if not rows:
            click.echo("No instruments found.", err=True)
            return
        rows = [{**r, "hash": r["hash"][:19]} for r in rows]
        columns = [
            ("ref", "instrument"),
            ("title", "title"),
            ("capabilities", "capabilities"),
            ("items", "items"),
            ("hash", "hash"),
            ("lock", "lock"),
        ]
    else:
        columns = [(k, k) for k in rows[0]] if rows else [("ref", "ref")]
    emit(_data(rows, columns, fmt), output)


@questionnaire.command()
@click.argument("ref", metavar="ID[@VERSION]|FILE")
@output_options
@click.option("--actions/--no-actions", default=False, help="Also list the improvement actions.")
@root_option
@user_errors
def show(ref: str, fmt: str, output: Path | None, actions: bool, root: Path | None) -> None:
    """Show an instrument: capabilities, maturity levels and items.

    Without @VERSION the newest version is shown. A path to a YAML file works
    too. Items marked (R) are reverse-scored; roles are shown when an item is
    asked only of some roles.

    \b
    Example:
      centric questionnaire show customer-centricity
      centric questionnaire show customer-centricity@1.0.0 --actions
      centric questionnaire show customer-centricity --format json > cc.json
      centric questionnaire show customer-centricity --format csv -o items.csv

    --format csv writes one row per item (capability, item, scale, reverse, roles, N/A, text).
    """
    inst = _load(ref, root)
    if fmt == "json":
        data = inst.model_dump(mode="json")
        data = {"ref": inst.ref, "hash": inst.content_hash, **data}
        if not actions:
            for cap in data["capabilities"]:
                cap.pop("actions")
        emit(_json(data), output, _files(ref))
    elif fmt == "csv":
        rows = [
            {
                "capability": cap.id,
                "item": item.id,
                "scale": item.scale,
                "reverse": item.reverse,
                "roles": " ".join(item.roles),
                "na_allowed": item.na_allowed,
                "text": item.text,
            }
            for cap in inst.capabilities
            for item in cap.items
        ]
        emit(csv_text(rows, list(ITEM_COLUMNS)), output, _files(ref))
    else:
        emit(_render_instrument(inst, actions) + "\n", output, _files(ref))


ITEM_COLUMNS = ("capability", "item", "scale", "reverse", "roles", "na_allowed", "text")


def _wrap(text: str, indent: int, hang: int = 0, width: int = 100) -> list[str]:
    """``text`` wrapped to ``width``; continuation lines are indented ``hang`` more."""
    return textwrap.wrap(
        text, width, initial_indent=" " * indent, subsequent_indent=" " * (indent + hang)
    ) or [""]


def _render_instrument(inst: Any, with_actions: bool) -> str:
    out = [f"{inst.title} ({inst.ref})", f"hash: {inst.content_hash}"]
    if inst.supersedes:
        out.append(f"supersedes: {inst.supersedes}")
    out.append(f"roles: {', '.join(inst.roles)}; management: {', '.join(inst.management_roles)}")
    for scale in inst.scales.values():
        out.append(f"scale {scale.id}: {scale.low}..{scale.high}")
        for k, label in enumerate(scale.labels):
            desc = f" - {scale.descriptors[k]}" if scale.descriptors else ""
            out.append(f"  {scale.low + k} {label}{desc}")
    for cap in inst.capabilities:
        requires = f"; requires {', '.join(cap.prerequisites)}" if cap.prerequisites else ""
        out += ["", f"{cap.id}  {cap.name}  (weight {cap.weight:g}{requires})"]
        if cap.description:
            out += _wrap(cap.description, 2)
        out.append("  Levels:")
        for lv in sorted(cap.levels):
            out += _wrap(f"{lv} {cap.levels[lv]}", 4, 2)
        out.append("  Items:")
        for item in cap.items:
            flags = " (R)" if item.reverse else ""
            if item.roles and set(item.roles) != set(inst.roles):
                flags += f" [{', '.join(item.roles)}]"
            if not item.na_allowed:
                flags += " [no N/A]"
            out += _wrap(f"{item.id}{flags}  {item.text}", 4, 8)
        if with_actions:
            out.append("  Actions:")
            for act in cap.actions:
                deps = f" after {', '.join(act.depends_on)}" if act.depends_on else ""
                out.append(
                    f"    {act.id} {act.from_level}->{act.to_level} [{act.effort}, "
                    f"{act.horizon_months} mo, {act.owner_role}{deps}]  {act.title}"
                )
    return "\n".join(out)


@questionnaire.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@root_option
@user_errors
def validate(files: tuple[Path, ...], root: Path | None) -> None:
    """Validate instrument YAML files and report every problem.

    Prints one "ok" line per valid file (with its hash) on stdout and every
    problem, one per line with file, line and YAML path, on stderr. Exits
    with code 2 when any file is invalid. A file whose id@version is already
    published must match the locked hash.

    \b
    Example:
      centric questionnaire validate questionnaires/customer-centricity/1.0.0.yaml
      centric questionnaire validate drafts/*.yaml
    """
    from questionnaires.loader import load_instrument
    from questionnaires.lock import read_lock

    lock = read_lock(root)
    failed = 0
    for path in files:
        try:
            inst = load_instrument(path)
            # a file named like a version must hold it, in any folder (the model checks only
            # inside a folder named after the instrument)
            if re.fullmatch(r"\d+\.\d+\.\d+", path.stem) and path.stem != inst.version:
                raise QuestionnaireError(
                    f"{path}: the file name says version {path.stem} but the file says "
                    f"{inst.version}; name the file <version>.yaml"
                )
            locked = lock.get(inst.ref)
            if locked is not None and locked != inst.content_hash:
                raise QuestionnaireError(
                    f"{path}: {inst.ref} is published with a different content hash; published "
                    "versions are immutable, so give your changes a new version number"
                )
        except QuestionnaireError as exc:
            failed += 1
            click.echo(describe_error(exc), err=True)
            continue
        click.echo(f"ok  {path}  {inst.ref}  {inst.content_hash}")
    if failed:
        raise QuestionnaireError(f"{failed} of {len(files)} file{'s' * (len(files) != 1)} invalid")


@questionnaire.command()
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@output_options
@root_option
@user_errors
def diff(old: str, new: str, fmt: str, output: Path | None, root: Path | None) -> None:
    """Compare two instrument versions item by item.

    Uses NEW's declared item map when NEW supersedes OLD, and otherwise
    infers it from item ids, texts and scales. Each item is same, reworded,
    rescaled, removed or new; only same and reworded items are comparable in
    trend analysis. The table and JSON also list every other change (KPIs,
    cost bands, done criteria, owners, levels, actions, item targets); the
    CSV lists the items.

    \b
    Example:
      centric questionnaire diff customer-centricity@1.0.0 customer-centricity@1.1.0
      centric questionnaire diff customer-centricity@1.0.0 draft/1.1.0.yaml --format json
    """
    from questionnaires.diff import diff_instruments

    d = diff_instruments(_load(old, root), _load(new, root))
    inputs = _files(old, new)
    counts = Counter(c.change for c in d.changes)
    if fmt == "json":
        data = d.model_dump(mode="json")
        data["counts"] = {k: counts.get(k, 0) for k in CHANGE_KINDS}
        data["comparable"] = [list(p) for p in d.comparable]
        data["dropped"] = d.dropped
        emit(_json(data), output, inputs)
        return
    order = {k: n for n, k in enumerate(CHANGE_KINDS)}
    rows: list[dict[str, Any]] = [
        {"change": c.change, "old": c.old or "", "new": c.new or ""}
        for c in sorted(d.changes, key=lambda c: (order[c.change], c.old or c.new or ""))
    ]
    columns = [("change", "change"), ("old", "old"), ("new", "new")]
    if fmt == "csv":
        emit(csv_text(rows, [k for k, _ in columns]), output, inputs)
        return
    source = "declared item map" if d.declared else "inferred from ids, texts and scales"
    lines = [f"{d.old} -> {d.new} ({source})", format_table(rows, columns).rstrip("\n")]
    lines.append(", ".join(f"{counts.get(k, 0)} {k}" for k in CHANGE_KINDS))
    lines.append(f"comparable items: {len(d.comparable)}")
    if d.capabilities_added:
        lines.append(f"capabilities added: {', '.join(d.capabilities_added)}")
    if d.capabilities_removed:
        lines.append(f"capabilities removed: {', '.join(d.capabilities_removed)}")
    if d.field_changes:
        lines.append(f"other changes: {len(d.field_changes)}")
        other = [
            {"kind": f.kind, "id": f.id, "old": f.old or "", "new": f.new or ""}
            for f in d.field_changes
        ]
        cols = [("kind", "kind"), ("id", "id"), ("old", "old"), ("new", "new")]
        lines.append(format_table(other, cols).rstrip("\n"))
    emit("\n".join(lines) + "\n", output, inputs)


@questionnaire.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@responses_source
@output_options
@click.option(
    "--min-group",
    type=click.IntRange(3),
    default=3,
    show_default=True,
    help="Anonymity: statements asked of fewer people show no figure.",
)
@user_errors
def pilot(
    files: tuple[Path, ...],
    instrument_ref: str | None,
    db: str | None,
    org: str | None,
    wave: str | None,
    fmt: str,
    output: Path | None,
    min_group: int,
) -> None:
    """Pilot figures of a wave: do the statements work, are targets a choice?

    Per capability Cronbach's alpha; per statement the item-rest
    correlation (below 0.30: weak), the N/A share and the share of targets at
    the customer-centric end (80% or more: a trivial target). Run it on a
    pilot wave before a version goes to a client's board
    (docs/questionnaire-format.md, "Piloting a version"). The figures are
    for the instrument's designers, not for publication: two runs a few
    people apart would reveal those people's answers.

    \b
    Example:
      centric questionnaire pilot pilot-answers.csv
      centric questionnaire pilot northwind-2026-H2.csv --format json -o pilot.json
    """
    from scoring.pilot import WEAK_ITEM_REST, pilot_statistics

    loaded = load_responses(files, instrument_ref, db, org, wave)
    rep = pilot_statistics(loaded.instrument, loaded.responses, min_group=min_group)
    inputs = tuple(str(f) for f in files)
    if fmt == "json":
        emit(dumps(rep), output, inputs)
        return
    rows: list[dict[str, Any]] = [
        {
            "item": i.item_id,
            "capability": i.capability,
            "n": i.n,
            "na_share": i.na_share,
            "item_rest": i.item_rest,
            "weak": "weak" if i.weak else "",
            "targets": i.n_targets,
            "trivial_share": i.trivial_target_share,
            "trivial": "trivial" if i.trivial_target else "",
        }
        for i in rep.items
    ]
    columns = [
        ("item", "item"),
        ("capability", "capability"),
        ("n", "n"),
        ("na_share", "N/A share"),
        ("item_rest", "item-rest r"),
        ("weak", ""),
        ("targets", "targets"),
        ("trivial_share", "at top"),
        ("trivial", ""),
    ]
    if fmt == "csv":
        emit(csv_text(rows, [k for k, _ in columns]), output, inputs)
        return
    formats = {"na_share": ".2f", "item_rest": ".2f", "trivial_share": ".2f"}
    caps = [
        {
            "capability": c.capability,
            "items": c.n_items,
            "alpha": c.alpha,
            "n": c.alpha_n,
            "weak": ", ".join(c.weak_items),
            "levels_at_5": c.level_target_at_top if c.n_level_targets else None,
        }
        for c in rep.capabilities
    ]
    cap_cols = [
        ("capability", "capability"),
        ("items", "statements"),
        ("alpha", "alpha"),
        ("n", "n"),
        ("levels_at_5", "target level 5"),
        ("weak", f"weak (r < {WEAK_ITEM_REST:.2f})"),
    ]
    share = rep.trivial_target_share
    lines = [
        f"{rep.instrument_ref}, wave {rep.wave}: {rep.n_respondents} respondents, "
        f"{rep.n_targets} target answers, "
        + ("no target asked" if share != share else f"{share:.0%} at the customer-centric end"),
        "For the instrument's designers, not for publication: two runs a few people apart "
        "reveal those people's answers.",
        format_table(caps, cap_cols, {"alpha": ".2f", "levels_at_5": ".2f"}).rstrip("\n"),
        "",
        format_table(rows, columns, formats).rstrip("\n"),
    ]
    emit("\n".join(lines) + "\n", output, inputs)


@questionnaire.command()
@output_option(
    "Write the schema to this file (atomically) instead of stdout; its folder must exist."
)
@user_errors
def schema(output: Path | None) -> None:
    """Print the JSON Schema of the instrument file format.

    Point your editor's YAML support at it for completion and checks while
    writing an instrument.

    \b
    Example:
      centric questionnaire schema -o instrument.schema.json
      # in the YAML file, for the YAML language server:
      # yaml-language-server: $schema=instrument.schema.json
    """
    from questionnaires.schema import instrument_schema_text

    emit(instrument_schema_text(), output)


@questionnaire.command()
@click.option("--check", is_flag=True, help="Only check; change nothing (exit 2 on any problem).")
@root_option
@user_errors
def lock(check: bool, root: Path | None) -> None:
    """Publish new instrument versions by adding their hashes to lock.json.

    Existing entries are never rewritten: if a published version was edited,
    the command fails and tells you to create a new version instead.

    \b
    Example:
      centric questionnaire lock           # after adding 1.1.0.yaml
      centric questionnaire lock --check   # in CI
    """
    from assessment.io.lockfile import write_lock
    from questionnaires.lock import check_lock, lock_path

    if check:
        locked = check_lock(root)
        click.echo(f"{len(locked)} published version(s) match {lock_path(root)}", err=True)
        return
    added = write_lock(root)
    for ref, h in added.items():
        click.echo(f"locked  {ref}  {h}")
    if not added:
        click.echo(f"nothing to add; {lock_path(root)} is up to date", err=True)
