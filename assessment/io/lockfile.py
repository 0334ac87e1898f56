"""Writing ``questionnaires/lock.json`` (the questionnaires floor returns the text; this writes it)."""

from __future__ import annotations

from pathlib import Path

from assessment.io.atomic import atomic_write_text
from questionnaires.errors import OutputError, QuestionnaireError
from questionnaires.lock import lock_additions, lock_path, lock_text

__all__ = ["write_lock"]


def write_lock(root: Path | None = None) -> dict[str, str]:
    """Add versions missing from the lock file and return the new entries.

    Never rewrites a locked hash: a changed published version raises
    :class:`~questionnaires.errors.LockError` and nothing is written. The file is written atomically.

    Parameters
    ----------
    root : pathlib.Path, optional
        Folder of instruments; ``None`` = the shipped ones.

    Returns
    -------
    dict of str to str
        The entries added (``id@version`` to hash); empty when the lock was complete.
    """
    added = lock_additions(root)
    if added or not lock_path(root).exists():
        try:
            atomic_write_text(lock_path(root), lock_text(root, added))
        except OutputError as exc:
            raise QuestionnaireError(f"cannot write the lock file: {exc}") from None
    return added
