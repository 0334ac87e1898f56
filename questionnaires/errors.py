"""Every error a user can cause, in one place.

Hierarchy::

    CentricError                      base of all user-facing errors (the CLI exits with code 2)
    ├── QuestionnaireError(ValueError)   an instrument file is invalid, unknown or changed
    │   └── LockError                    a published version's content no longer matches the lock file
    ├── ResponseError(ValueError)        response data cannot be read; carries every Problem found
    ├── ScoringError(ValueError)         the data cannot be scored as asked (e.g. no respondents)
    ├── ReportError                      a report cannot be built (theme, anonymity)
    ├── OutputError                      an output file or folder cannot be written
    └── StoreError                       the database is missing, outdated or rejects the change

Messages say what is wrong, where (file, row, column, item id) and how to fix it, in the words of
the domain ("lower the minimum group size to 4"), never in the words of one interface. An error may
name the *settings* that would change the outcome (``min_group``, ``wave``, ``instrument``, ``db``
...: the library's parameter names) and a maintenance *task* that repairs it (``"db upgrade"``); each
interface turns those into its own hint: the CLI appends its flags (``--min-group 4``) and the
command to run, a web page its form fields. The CLI prints the message on one line of stderr,
without a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "CentricError",
    "LockError",
    "OutputError",
    "Problem",
    "QuestionnaireError",
    "ReportError",
    "ResponseError",
    "ScoringError",
    "StoreError",
]


class CentricError(Exception):
    """Base class of every error caused by user input or configuration.

    Parameters
    ----------
    *args : object
        The message (domain words: what is wrong, where, how to fix it).
    settings : mapping of str to object, optional
        The settings that would change the outcome, by their library parameter names, each with a
        suggested value or ``None`` (e.g. ``{"min_group": 4, "named_workshop": None}``).
    task : str, optional
        A maintenance task that repairs the cause, by name (``"db upgrade"``, ``"db check"``); its
        arguments are taken from ``settings``.

    Examples
    --------
    >>> err = CentricError("lower the minimum group size to 4", settings={"min_group": 4})
    >>> str(err), err.settings
    ('lower the minimum group size to 4', {'min_group': 4})
    """

    exit_code = 2

    def __init__(
        self,
        *args: object,
        settings: Mapping[str, object] | None = None,
        task: str | None = None,
    ) -> None:
        super().__init__(*args)
        self.settings: dict[str, object] = dict(settings or {})
        self.task = task


class QuestionnaireError(CentricError, ValueError):
    """An instrument is invalid, unknown, or cannot be loaded."""


class LockError(QuestionnaireError):
    """A published instrument version was changed without a new version number."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    Attributes
    ----------
    message : str
        What is wrong and how to fix it.
    source : str
        The file (or upload) it was found in.
    row : int or None
        The 1-based line number in the file as a spreadsheet shows it (the header is row 1), or
        ``None`` when the problem is not tied to a row.
    column : str or None
        The column (or YAML path).
    sheet : str or None
        The spreadsheet sheet.
    warning : bool
        A warning (e.g. an ignored column) is shown but never stops a read or an import.
    settings : tuple of str
        Settings (library parameter names, e.g. ``"wave"``) that would resolve the problem; the
        :class:`ResponseError` that carries it names them (see :class:`CentricError`).
    """

    message: str
    source: str = ""
    row: int | None = None
    column: str | None = None
    sheet: str | None = None
    warning: bool = False
    settings: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = [self.source] if self.source else []
        if self.sheet:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ResponseError(CentricError, ValueError):
    """Response data could not be read; ``problems`` lists every problem found, not just the first.

    The message counts and lists the problems (the first 50); with ``action`` it says "nothing was
    imported". The settings of the problems become the error's ``settings``.

    Parameters
    ----------
    problems : list or tuple of Problem
        Every problem found.
    source : str, default ""
        The file or files read, at the head of the message.
    action : str, optional
        What the caller did not do because of the problems (``"imported"``, ``"scored"``).
    """

    def __init__(
        self,
        problems: list[Problem] | tuple[Problem, ...],
        source: str = "",
        *,
        action: str | None = None,
    ) -> None:
        problems = tuple(problems)
        super().__init__(settings={name: None for p in problems for name in p.settings})
        self.problems = problems
        self.source = source
        self.action = action
        n = len(self.problems)
        head = f"{source}: " if source else ""
        outcome = f"; nothing was {action}" if action else ""
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = f"\n  ... and {n - 50} more" if n > 50 else ""
        self.args = (f"{head}{n} problem{'s' if n != 1 else ''} found{outcome}:\n{shown}{more}",)

    def for_action(self, action: str) -> ResponseError:
        """The same problems, with the message saying nothing was ``action``.

        Re-labels an error at a use-case boundary.

        Parameters
        ----------
        action : str
            What was not done (``"imported"``, ``"scored"``).

        Returns
        -------
        ResponseError
            A new error with the same problems and source.
        """
        return ResponseError(self.problems, self.source, action=action)


class ScoringError(CentricError, ValueError):
    """The responses cannot be scored as asked."""


class ReportError(CentricError):
    """A report cannot be built."""


class OutputError(CentricError):
    """An output file or folder cannot be written.

    Missing folder, a file in the way, no permission, disk full: the message names the path and how
    to fix it.
    """


class StoreError(CentricError):
    """The database is unavailable, outdated, or refused the change."""
