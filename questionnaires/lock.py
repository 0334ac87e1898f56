"""The lock of published versions: ``questionnaires/lock.json`` maps ``id@version`` to its hash.

This module reads and checks the lock; :func:`lock_text` returns the text of an updated lock and
the caller writes it (the application does, atomically: ``assessment.io.lockfile.write_lock``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from questionnaires.catalogue import list_instruments, questionnaires_dir
from questionnaires.errors import LockError
from questionnaires.loader import load_instrument
from questionnaires.model import content_hash

__all__ = [
    "LockState",
    "check_lock",
    "content_hash",
    "lock_additions",
    "lock_path",
    "lock_status",
    "lock_text",
    "read_lock",
]


def lock_path(root: Path | None = None) -> Path:
    """Where the lock file of published hashes is.

    Parameters
    ----------
    root : pathlib.Path, optional
        Folder of instruments; ``None`` = the shipped ones.

    Returns
    -------
    pathlib.Path
        ``<root>/lock.json``.
    """
    return (root or questionnaires_dir()) / "lock.json"


LockState = Literal["locked", "changed", "unpublished"]


def read_lock(root: Path | None) -> dict[str, str]:
    """The published hashes of the lock file; empty when there is none.

    Parameters
    ----------
    root : pathlib.Path or None
        Folder of instruments; ``None`` = the shipped ones.

    Returns
    -------
    dict of str to str
        ``{"id@version": "sha256:..."}``.

    Raises
    ------
    questionnaires.errors.LockError
        When the file is not a JSON object of references to hashes.
    """
    path = lock_path(root)
    if not path.exists():
        return {}
    try:
        lock = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LockError(
            f"{path}: not a valid lock file ({exc}); restore it from version control"
        ) from None
    if not isinstance(lock, dict) or not all(isinstance(v, str) for v in lock.values()):
        raise LockError(f'{path}: expected a JSON object of "id@version": "sha256:..."')
    return lock


def lock_status(root: Path | None = None) -> list[tuple[str, str, LockState]]:
    """``(ref, current hash, state)`` for every shipped version, in :func:`list_instruments` order.

    ``locked``: matches the lock file; ``changed``: differs from its locked hash (an error);
    ``unpublished``: not in the lock file yet (publish it with ``centric questionnaire lock``).

    Parameters
    ----------
    root : pathlib.Path, optional
        Folder of instruments; ``None`` = the shipped ones.

    Returns
    -------
    list of (str, str, str)
        ``(id@version, content hash, "locked" | "changed" | "unpublished")``.

    Raises
    ------
    questionnaires.errors.LockError
        When the lock file is malformed.
    questionnaires.errors.QuestionnaireError
        When a version does not load.
    """
    lock = read_lock(root)
    out: list[tuple[str, str, LockState]] = []
    for ident, version, path in list_instruments(root):
        ref = f"{ident}@{version}"
        h = content_hash(load_instrument(path))
        state: LockState = (
            "unpublished" if ref not in lock else "locked" if lock[ref] == h else "changed"
        )
        out.append((ref, h, state))
    return out


def check_lock(root: Path | None = None) -> dict[str, str]:
    """Check every shipped version against the lock file of published hashes.

    Parameters
    ----------
    root : pathlib.Path, optional
        Folder of instruments; ``None`` = the shipped ones.

    Returns
    -------
    dict of str to str
        The lock mapping ``{"id@version": hash}``.

    Raises
    ------
    questionnaires.errors.LockError
        When a published version changed, or a version is not in the lock.
    """
    lock = read_lock(root)
    name = lock_path(root).name
    problems = []
    for ref, h, state in lock_status(root):
        if state == "unpublished":
            problems.append(f"{ref} is not in {name}; publish it (lock its content hash)")
        elif state == "changed":
            problems.append(
                f"{ref} was changed after publication (hash {h[:19]}..., locked {lock[ref][:19]}...); "
                "published versions are immutable: undo the edit and create a new version that "
                "supersedes it"
            )
    if problems:
        raise LockError("; ".join(problems))
    return lock


def lock_additions(root: Path | None = None) -> dict[str, str]:
    """The versions missing from the lock file, ``{"id@version": hash}``.

    Never rewrites a locked hash.

    Parameters
    ----------
    root : pathlib.Path, optional
        Folder of instruments; ``None`` = the shipped ones.

    Returns
    -------
    dict of str to str
        ``{"id@version": hash}`` of the unpublished versions.

    Raises
    ------
    questionnaires.errors.LockError
        When a published version changed.
    """
    status = lock_status(root)
    changed = [ref for ref, _, state in status if state == "changed"]
    if changed:
        raise LockError(
            f"{', '.join(changed)} changed after publication; the lock is not rewritten. Undo the "
            "edit and publish the change as a new version that supersedes it"
        )
    return {ref: h for ref, h, state in status if state == "unpublished"}


def lock_text(root: Path | None = None, additions: dict[str, str] | None = None) -> str:
    """Text of the lock file with ``additions`` added, sorted; the caller writes it.

    Parameters
    ----------
    root : pathlib.Path, optional
        Folder of instruments; ``None`` = the shipped ones.
    additions : dict of str to str, optional
        ``{"id@version": hash}`` to add; ``None`` = :func:`lock_additions`.

    Returns
    -------
    str
        The JSON text (2-space indent, newline at end).

    Raises
    ------
    questionnaires.errors.LockError
        When a published version changed (with ``additions=None``).
    """
    lock = read_lock(root)
    lock.update(lock_additions(root) if additions is None else additions)
    return json.dumps(dict(sorted(lock.items())), indent=2) + "\n"
