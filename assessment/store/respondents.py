"""One person's data: erase it (right to be forgotten) or export it (data-subject access).

Erasure (:func:`delete_respondent`) removes, in one write transaction, the person's answers and
comments (to statements and capability-level: levels, targets, investment points), their
respondent row in each wave, and the records of reports about them (individual
reports). Other report records keep counting them: in their respondent sets the code is replaced
by ``erased:`` and a random token, different for every report row, so nothing links the
placeholder to the person or two placeholders to each other. The count must stay: the
differencing guard compares a new report's respondent set with the earlier ones, and if an
erased person simply vanished from the earlier sets, a team report re-rendered after the erasure
would look like it covered the same people, and diffing it against the earlier PDF (which still
exists) would give away the erased person's answers.

On SQLite the transaction runs with ``PRAGMA secure_delete`` and is followed by a WAL checkpoint,
so the erased text does not linger in free pages of the database file or in its ``-wal`` file.
Backups, exported files and reports already written are outside the tool's reach
(``docs/privacy.md``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assessment.store import models as m
from assessment.store.repository import _org_id, _wave_row, using_engine
from questionnaires.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

__all__ = ["ERASED_PREFIX", "ErasureResult", "delete_respondent", "respondent_data"]

ERASED_PREFIX = "erased:"
EXPORT_FORMAT = "centric-respondent-data"
EXPORT_VERSION = 1


@dataclass(frozen=True)
class ErasureResult:
    """What :func:`delete_respondent` removed.

    Attributes
    ----------
    organisation : str
        The organisation's slug.
    respondent : str
        The person's code.
    waves : tuple of str
        The waves the person was removed from, sorted.
    answers : int
        Answers deleted (statements and capability-level answers).
    comments : int
        Answers among ``answers`` that carried a comment.
    personal_reports : int
        Records of reports about the person (individual reports), deleted.
    anonymised_reports : dict of str to int
        ``{kind: count}`` of other report records whose respondent set now holds a placeholder.
    personal_report_paths : tuple of str
        Where the deleted personal reports were written: the files themselves are not touched.
    capability_answers : int
        Answers among ``answers`` that were capability-level (levels, targets, points).
    """

    organisation: str
    respondent: str
    waves: tuple[str, ...]
    """The waves the person was removed from, sorted."""
    answers: int
    comments: int
    """Answers among ``answers`` that carried a comment."""
    personal_reports: int
    """Records of reports about the person (individual reports), deleted."""
    anonymised_reports: dict[str, int]
    """``{kind: count}`` of other report records whose respondent set now holds a placeholder."""
    personal_report_paths: tuple[str, ...] = ()
    """Where the deleted personal reports were written: the files themselves are not touched."""
    capability_answers: int = 0
    """Answers among ``answers`` that were capability-level (levels, targets, points)."""

    def describe(self) -> str:
        """One line, e.g. ``removed respondent R07 from wave 2026-H1 of northwind: 49 answers,
        3 comments, 1 personal report record; 2 team report records keep an anonymous
        placeholder``."""
        label = "wave" if len(self.waves) == 1 else "waves"
        text = (
            f"removed respondent {self.respondent} from {label} {', '.join(self.waves)} of "
            f"{self.organisation}: {_n(self.answers, 'answer')}"
            + (f" ({self.capability_answers} capability-level)" if self.capability_answers else "")
            + f", {_n(self.comments, 'comment')}, "
            f"{_n(self.personal_reports, 'personal report record')}"
        )
        if self.anonymised_reports:
            kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.anonymised_reports.items()))
            total = sum(self.anonymised_reports.values())
            verb = "keeps" if total == 1 else "keep"
            noun = "record" if total == 1 else "records"
            text += f"; {kinds} report {noun} {verb} an anonymous placeholder"
        return text


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _waves(conn: Connection, org: str, wave: str | None, *, lock: bool) -> list[Any]:
    """The wave rows of ``org`` to act on: ``wave`` alone, or all of them (sorted by name)."""
    import sqlalchemy as sa

    org_id = _org_id(conn, org, create=False)
    if wave is not None:
        rows = [_wave_row(conn, org_id, org, wave)]
    else:
        t = m.Wave.__table__
        rows = list(
            conn.execute(sa.select(t).where(t.c.organisation_id == org_id).order_by(t.c.name))
        )
    if lock and rows and conn.dialect.name == "postgresql":
        t = m.Wave.__table__
        conn.execute(
            sa.select(t.c.id).where(t.c.id.in_([w.id for w in rows])).with_for_update()
        ).all()
    return rows


def _covering(conn: Connection, wave_ids: list[int], code: str) -> list[tuple[int, str]]:
    """``(report id, kind)`` of the reports of ``wave_ids`` whose respondent set holds ``code``."""
    import sqlalchemy as sa

    t, rr = m.Report.__table__, m.ReportRespondent.__table__
    return [
        (int(i), str(k))
        for i, k in conn.execute(
            sa.select(t.c.id, t.c.kind)
            .select_from(rr.join(t, rr.c.report_id == t.c.id))
            .where(t.c.wave_id.in_(wave_ids), rr.c.respondent_code == code)
            .order_by(t.c.id)
        )
    ]


def _not_found(org: str, respondent: str, wave: str | None, waves: list[Any]) -> StoreError:
    where = f"wave {wave}" if wave is not None else f"any of its {_n(len(waves), 'wave')}"
    return StoreError(
        f"no respondent {respondent!r} in {where} of {org!r} (codes are case-sensitive; an "
        "export of the organisation lists them); nothing was changed",
        task="export",
        settings={"org": org},
    )


def delete_respondent(
    db: str | Engine | None, org: str, respondent: str, wave: str | None = None
) -> ErasureResult:
    """Erase ``respondent`` from ``wave`` of ``org`` in one transaction.

    Answers (to statements and capability-level), comments, respondent rows and the records of
    their individual reports are deleted;
    in other report records their code becomes an ``erased:`` placeholder (module docstring says
    why). Unknown organisation, wave or respondent: :class:`StoreError`, nothing changed.

    Parameters
    ----------
    db : str or sqlalchemy.engine.Engine or None
        URL, path or engine.
    org : str
        The organisation's slug.
    respondent : str
        The person's code.
    wave : str, optional
        The wave; every wave when ``None``.

    Returns
    -------
    ErasureResult
        What was removed.
    """
    import sqlalchemy as sa

    r, rt, t = m.Response.__table__, m.Respondent.__table__, m.Report.__table__
    c = m.CapabilityAnswer.__table__
    with (
        using_engine(db) as engine,
        engine.connect().execution_options(centric_write=True) as conn,
    ):
        sqlite = conn.dialect.name == "sqlite"
        with conn.begin():
            if sqlite:  # overwrite deleted content instead of leaving it in free pages
                conn.exec_driver_sql("PRAGMA secure_delete=ON")
            rows = _waves(conn, org, wave, lock=True)
            wave_ids = [w.id for w in rows]
            names = {w.id: w.name for w in rows}
            people = conn.execute(
                sa.select(rt.c.id, rt.c.wave_id).where(
                    rt.c.wave_id.in_(wave_ids), rt.c.code == respondent
                )
            ).all()
            personal = conn.execute(
                sa.select(t.c.id, t.c.wave_id, t.c.path)
                .where(t.c.wave_id.in_(wave_ids), t.c.respondent_code == respondent)
                .order_by(t.c.id)
            ).all()
            covering = _covering(conn, wave_ids, respondent)
            if not people and not personal and not covering:
                raise _not_found(org, respondent, wave, rows)
            person_ids = [p.id for p in people]
            answers = comments = 0
            counts: dict[str, int] = {}
            for table in (r, c):
                mine = table.c.respondent_id.in_(person_ids)
                counts[table.name] = conn.execute(
                    sa.select(sa.func.count()).select_from(table).where(mine)
                ).scalar_one()
                answers += counts[table.name]
                comments += conn.execute(
                    sa.select(sa.func.count())
                    .select_from(table)
                    .where(mine, table.c.comment.is_not(None), table.c.comment != "")
                ).scalar_one()
                conn.execute(table.delete().where(mine))
            conn.execute(rt.delete().where(rt.c.id.in_(person_ids)))
            # deleting the record deletes its respondent set too (ON DELETE CASCADE)
            conn.execute(t.delete().where(t.c.id.in_([p.id for p in personal])))
            anonymised = _anonymise(conn, wave_ids, respondent)
            touched = {p.wave_id for p in people} | {p.wave_id for p in personal}
            touched |= set(
                conn.execute(
                    sa.select(t.c.wave_id).where(t.c.id.in_([i for i, _ in covering]))
                ).scalars()
            )
        if sqlite:
            # outside any transaction (the driver connection is in autocommit mode): copy the
            # zeroed pages into the database file and empty the -wal file that held the old ones
            raw = conn.connection.driver_connection
            if raw is not None:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                raw.execute("PRAGMA secure_delete=OFF")
    return ErasureResult(
        organisation=org,
        respondent=respondent,
        waves=tuple(sorted(names[i] for i in touched)),
        answers=int(answers),
        comments=int(comments),
        personal_reports=len(personal),
        anonymised_reports=anonymised,
        personal_report_paths=tuple(p.path for p in personal),
        capability_answers=int(counts[c.name]),
    )


def _anonymise(conn: Connection, wave_ids: list[int], code: str) -> dict[str, int]:
    """Replace ``code`` in the respondent sets of the reports of ``wave_ids`` by a fresh random
    placeholder per report row; returns ``{kind: reports changed}``."""
    rr = m.ReportRespondent.__table__
    kinds: dict[str, int] = {}
    for report_id, kind in _covering(conn, wave_ids, code):
        conn.execute(
            rr.update()
            .where(rr.c.report_id == report_id, rr.c.respondent_code == code)
            .values(respondent_code=ERASED_PREFIX + secrets.token_hex(8))
        )
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def respondent_data(
    db: str | Engine | None, org: str, respondent: str, wave: str | None = None
) -> dict[str, Any]:
    """Everything stored about ``respondent`` in ``org`` (one wave, or every wave they are in).

        A JSON-ready dict with a fixed key order::

            {"format": "centric-respondent-data", "format_version": 1, "organisation", "respondent",
             "waves": [{"wave", "instrument", "role", "department",
                        "answers": [{"item", "current", "target", "na", "confidence", "comment"}],
                        "capability_answers": [{"capability", "level_current", "level_target",
                                                "na", "points", "confidence", "comment"}],
                        "reports": [{"kind", "personal", "path", "created_at"}]}]}

    ``capability_answers`` (levels, targets and investment points of an instrument that rates
    levels) is there only for a wave in which the person gave some.

        ``personal`` is true for a report about the person (an individual report), false for a
        report whose respondent set includes them. Unknown organisation, wave or respondent:
        :class:`StoreError`.

        Parameters
        ----------
        db : str or sqlalchemy.engine.Engine or None
            URL, path or engine.
        org : str
            The organisation's slug.
        respondent : str
            The person's code.
        wave : str, optional
            The wave; every wave they are in when ``None``.

        Returns
        -------
        dict
            The person's data.
    """
    import sqlalchemy as sa

    r, rt, d = m.Response.__table__, m.Respondent.__table__, m.Department.__table__
    t, c = m.Report.__table__, m.CapabilityAnswer.__table__
    out: list[dict[str, Any]] = []
    with using_engine(db) as engine, engine.connect() as conn:
        rows = _waves(conn, org, wave, lock=False)
        for w in rows:
            person = conn.execute(
                sa.select(rt.c.id, rt.c.role, d.c.name)
                .select_from(rt.join(d, rt.c.department_id == d.c.id))
                .where(rt.c.wave_id == w.id, rt.c.code == respondent)
            ).first()
            covering = {i for i, _ in _covering(conn, [w.id], respondent)}
            records = conn.execute(
                sa.select(t)
                .where(
                    t.c.wave_id == w.id,
                    sa.or_(t.c.respondent_code == respondent, t.c.id.in_(covering)),
                )
                .order_by(t.c.created_at, t.c.id)
            ).all()
            if person is None and not records:
                continue
            answers: list[dict[str, Any]] = []
            levels: list[dict[str, Any]] = []
            if person is not None:
                levels = [
                    {
                        "capability": a.capability,
                        "level_current": a.level_current,
                        "level_target": a.level_target,
                        "na": bool(a.na),
                        "points": a.points,
                        "confidence": a.confidence,
                        "comment": a.comment,
                    }
                    for a in conn.execute(
                        sa.select(c).where(c.c.respondent_id == person.id).order_by(c.c.id)
                    )
                ]
                answers = [
                    {
                        "item": a.item,
                        "current": a.current,
                        "target": a.target,
                        "na": bool(a.na),
                        "confidence": a.confidence,
                        "comment": a.comment,
                    }
                    for a in conn.execute(
                        sa.select(r).where(r.c.respondent_id == person.id).order_by(r.c.id)
                    )
                ]
            entry: dict[str, Any] = {
                "wave": w.name,
                "instrument": f"{w.instrument_id}@{w.instrument_version}",
                "role": person.role if person is not None else None,
                "department": person.name if person is not None else None,
                "answers": answers,
            }
            if levels:
                entry["capability_answers"] = levels
            entry["reports"] = [
                {
                    "kind": rep.kind,
                    "personal": rep.respondent_code == respondent,
                    "path": rep.path,
                    "created_at": rep.created_at.isoformat(),
                }
                for rep in records
            ]
            out.append(entry)
    if not out:
        raise _not_found(org, respondent, wave, rows)
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_VERSION,
        "organisation": org,
        "respondent": respondent,
        "waves": out,
    }
