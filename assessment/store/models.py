"""The database schema as a typed SQLAlchemy 2 ORM (``docs/store.md#tables``).

::

    organisations ─┬─< departments
                   ├─< waves ─┬─< respondents ─┬─< responses
                   │          │                 └─< capability_answers
                   │          ├─< responses            (wave_id kept for the upsert key and fast export)
                   │          ├─< capability_answers   (likewise)
                   │          └─< reports ─< report_respondents
                   └─< action_status

- A **wave** is bound to exactly one instrument version (id, version, content hash) when it is created;
  answers for another version are refused.
- A **respondent** is a pseudonymous ``code`` within one wave, with the role and department they had in
  that wave; the same code in two waves links the same person over time without naming them.
- A **response** is unique per ``(wave, respondent, item)``; imports upsert on that key, so importing
  the same file twice changes nothing.
- A **capability answer** (instruments that rate levels, ``customer-centricity`` 1.1.0; migration
  0003) is unique per ``(wave, respondent, capability)``: the level rated true today, the level to
  reach, N/A, the investment points, confidence and comment. The database itself refuses a level
  outside 1..5, negative points, and N/A together with a level; that points add up to the
  instrument's budget is checked on import (it depends on the instrument).
- A **report** records one written report and, in ``report_respondents``, the codes of the
  respondents it covered, so a later report of the same wave can be compared with it (the
  differencing guard). Erasing a respondent replaces their code there by an unlinkable
  ``erased:`` placeholder (:func:`assessment.store.delete_respondent`).
- Timestamps are never taken from the clock by the database: the caller supplies them, so stored
  content stays reproducible.

The migration in ``migrations/versions`` must create exactly this schema; a test compares them with
Alembic's autogenerate.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "ACTION_STATUSES",
    "ActionStatus",
    "Base",
    "CapabilityAnswer",
    "Department",
    "Organisation",
    "Report",
    "ReportRespondent",
    "Respondent",
    "Response",
    "Wave",
]

ACTION_STATUSES = ("planned", "in_progress", "done")

# Deterministic constraint names, so migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The declarative base of every model, with deterministic constraint names (``NAMING``).

    Parameters
    ----------
    **kwargs : object
        Column and relationship values of the model being constructed, by attribute name
        (SQLAlchemy's declarative constructor).
    """

    metadata = MetaData(naming_convention=NAMING)
    if TYPE_CHECKING:  # every model maps one plain table (SQLAlchemy types it as a FromClause)
        __table__: ClassVar[Table]


class Organisation(Base):
    """A client organisation. ``slug`` is what the CLI's ``--org`` names.

    Attributes
    ----------
    id : int
        Primary key.
    slug : str
        The short unique name the CLI's ``--org`` takes.
    name : str
        The display name.
    departments : list of Department
        The organisation's departments.
    waves : list of Wave
        The organisation's waves.
    """

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    departments: Mapped[list[Department]] = relationship(back_populates="organisation")
    waves: Mapped[list[Wave]] = relationship(back_populates="organisation")


class Department(Base):
    """A department; ``key`` is the normalised name used for matching, ``name`` the display spelling.

    Attributes
    ----------
    id : int
        Primary key.
    organisation_id : int
        The organisation (:class:`Organisation`) the department belongs to.
    key : str
        The normalised name, unique within the organisation, used for matching.
    name : str
        The display spelling.
    organisation : Organisation
        The organisation the department belongs to.
    """

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship(back_populates="departments")


class Wave(Base):
    """One round of the assessment in one organisation, bound to one instrument version.

    Attributes
    ----------
    id : int
        Primary key.
    organisation_id : int
        The organisation (:class:`Organisation`) that ran the wave.
    name : str
        The wave id (e.g. ``2026-H1``), unique within the organisation.
    instrument_id : str
        The id of the instrument the wave is bound to.
    instrument_version : str
        The version of that instrument.
    instrument_hash : str
        The content hash of that instrument version.
    organisation : Organisation
        The organisation that ran the wave.
    respondents : list of Respondent
        The wave's respondents.
    """

    __tablename__ = "waves"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    instrument_id: Mapped[str] = mapped_column(String(100))
    instrument_version: Mapped[str] = mapped_column(String(40))
    instrument_hash: Mapped[str] = mapped_column(String(80))

    organisation: Mapped[Organisation] = relationship(back_populates="waves")
    respondents: Mapped[list[Respondent]] = relationship(back_populates="wave")

    @property
    def instrument_ref(self) -> str:
        return f"{self.instrument_id}@{self.instrument_version}"


class Respondent(Base):
    """A pseudonymous respondent in one wave, with their role and department in that wave.

    Attributes
    ----------
    id : int
        Primary key.
    wave_id : int
        The wave (:class:`Wave`) the respondent answered.
    code : str
        The pseudonymous code, unique within the wave; the same code in two waves is the same person.
    role : str
        The respondent's role in that wave.
    department_id : int
        The respondent's department (:class:`Department`) in that wave.
    wave : Wave
        The wave the respondent answered.
    department : Department
        The respondent's department in that wave.
    """

    __tablename__ = "respondents"
    __table_args__ = (UniqueConstraint("wave_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(50))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))

    wave: Mapped[Wave] = relationship(back_populates="respondents")
    department: Mapped[Department] = relationship()


class Response(Base):
    """One answer: current and target option (raw, before reverse coding), N/A, confidence, comment.

    Attributes
    ----------
    id : int
        Primary key.
    wave_id : int
        The wave (:class:`Wave`), kept for the upsert key and fast export.
    respondent_id : int
        The respondent (:class:`Respondent`) who answered.
    item : str
        The item id; unique per wave and respondent.
    current : int or None
        The current option as answered (before reverse coding), ``None`` when not rated.
    target : int or None
        The target option as answered (before reverse coding), ``None`` when not rated.
    na : bool
        Whether the item was answered N/A.
    confidence : int or None
        The respondent's confidence, 1 to 3, ``None`` when not given.
    comment : str or None
        The free-text comment, ``None`` when there is none.
    """

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("wave_id", "respondent_id", "item"),
        CheckConstraint(
            "confidence IS NULL OR confidence BETWEEN 1 AND 3", name="confidence_range"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("respondents.id", ondelete="CASCADE"), index=True
    )
    item: Mapped[str] = mapped_column(String(20))
    current: Mapped[int | None] = mapped_column(SmallInteger)
    target: Mapped[int | None] = mapped_column(SmallInteger)
    na: Mapped[bool] = mapped_column(Boolean, default=False)
    confidence: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)


class CapabilityAnswer(Base):
    """One capability-level answer: the levels rated, N/A, investment points, confidence, comment.

    Attributes
    ----------
    id : int
        Primary key.
    wave_id : int
        The wave (:class:`Wave`), kept for the upsert key and fast export.
    respondent_id : int
        The respondent (:class:`Respondent`) who answered.
    capability : str
        The capability id (``CUL``, ``SYS`` ...); unique per wave and respondent.
    level_current : int or None
        The level (1-5) whose descriptor the respondent rates true today, ``None`` when not rated.
    level_target : int or None
        The level (1-5) to reach within the instrument's horizon, ``None`` when not rated.
    na : bool
        Whether the levels were answered N/A (then neither level is set).
    points : int or None
        The investment points given to the capability (0 or more), ``None`` when not given.
    confidence : int or None
        The respondent's confidence, 1 to 3, ``None`` when not given.
    comment : str or None
        The free-text comment, ``None`` when there is none.
    """

    __tablename__ = "capability_answers"
    __table_args__ = (
        UniqueConstraint("wave_id", "respondent_id", "capability"),
        CheckConstraint(
            "level_current IS NULL OR level_current BETWEEN 1 AND 5", name="level_current_range"
        ),
        CheckConstraint(
            "level_target IS NULL OR level_target BETWEEN 1 AND 5", name="level_target_range"
        ),
        CheckConstraint("points IS NULL OR points >= 0", name="points_not_negative"),
        CheckConstraint(
            "confidence IS NULL OR confidence BETWEEN 1 AND 3", name="confidence_range"
        ),
        CheckConstraint(
            "NOT na OR (level_current IS NULL AND level_target IS NULL)", name="na_without_level"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"))
    respondent_id: Mapped[int] = mapped_column(
        ForeignKey("respondents.id", ondelete="CASCADE"), index=True
    )
    capability: Mapped[str] = mapped_column(String(20))
    level_current: Mapped[int | None] = mapped_column(SmallInteger)
    level_target: Mapped[int | None] = mapped_column(SmallInteger)
    na: Mapped[bool] = mapped_column(Boolean, default=False)
    points: Mapped[int | None] = mapped_column(Integer)
    confidence: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)


class Report(Base):
    """A generated report: what was rendered from which data, and where it was written.

    Attributes
    ----------
    id : int
        Primary key.
    wave_id : int
        The wave (:class:`Wave`) reported on.
    kind : str
        The kind of output (e.g. ``team``, ``individual``, ``trend``, ``score``).
    respondent_code : str or None
        The respondent of a personal report, ``None`` for the others.
    data_hash : str
        The hash of the data the report was rendered from.
    instrument_hash : str
        The content hash of the instrument version it was rendered with.
    file_hash : str or None
        The hash of the file written, ``None`` when there is no single file.
    path : str
        Where the report was written.
    created_at : datetime.datetime
        When the report was written, supplied by the caller (never the database's clock).
    """

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    respondent_code: Mapped[str | None] = mapped_column(String(100))
    data_hash: Mapped[str] = mapped_column(String(80))
    instrument_hash: Mapped[str] = mapped_column(String(80))
    file_hash: Mapped[str | None] = mapped_column(String(80))
    path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ReportRespondent(Base):
    """One respondent covered by a report, by code or by an ``erased:`` placeholder.

    After the respondent was erased the placeholder keeps the report counting them, without saying
    who.

    Attributes
    ----------
    report_id : int
        The report (:class:`Report`); part of the primary key.
    respondent_code : str
        The respondent's code, or an ``erased:`` placeholder; part of the primary key.
    """

    __tablename__ = "report_respondents"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    respondent_code: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class ActionStatus(Base):
    """Where an organisation stands on one roadmap action of an instrument.

    Attributes
    ----------
    id : int
        Primary key.
    organisation_id : int
        The organisation (:class:`Organisation`).
    instrument_id : str
        The id of the instrument whose roadmap holds the action.
    action_id : str
        The action's id; unique per organisation and instrument.
    status : str
        One of :data:`ACTION_STATUSES`: ``planned``, ``in_progress`` or ``done``.
    owner : str or None
        Who owns the action, ``None`` when unassigned.
    due_date : datetime.date or None
        When the action is due, ``None`` when no date is set.
    note : str or None
        A free-text note.
    updated_at : datetime.datetime or None
        When the status last changed, supplied by the caller.
    """

    __tablename__ = "action_status"
    __table_args__ = (
        UniqueConstraint("organisation_id", "instrument_id", "action_id"),
        CheckConstraint(
            "status IN ('planned', 'in_progress', 'done')",
            name="status_known",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    instrument_id: Mapped[str] = mapped_column(String(100))
    action_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    owner: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
