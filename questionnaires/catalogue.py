"""The catalogue of shipped instruments: ``questionnaires/<id>/<semver>.yaml``, by ``id@version``."""

from __future__ import annotations

import re
from pathlib import Path

from questionnaires.errors import QuestionnaireError
from questionnaires.loader import load_instrument
from questionnaires.model import _SEMVER, Instrument, _semver_key

__all__ = [
    "DEFAULT_INSTRUMENT",
    "get_instrument",
    "list_instruments",
    "parse_ref",
    "questionnaires_dir",
]

DEFAULT_INSTRUMENT = "customer-centricity"


def questionnaires_dir() -> Path:
    """The folder of the shipped instruments (this package's folder).

    Returns
    -------
    pathlib.Path
        The folder holding ``<instrument-id>/<semver>.yaml``.
    """
    return Path(__file__).parent


def parse_ref(ref: str) -> tuple[str, str | None]:
    """Split ``id@version`` (version optional: the newest is used).

    Parameters
    ----------
    ref : str
        ``id`` or ``id@version``.

    Returns
    -------
    ident : str
        The instrument id.
    version : str or None
        The version, ``None`` when not given.

    Raises
    ------
    questionnaires.errors.QuestionnaireError
        When the version is not a semantic version (``1.0.0``).

    Examples
    --------
    >>> parse_ref("customer-centricity@1.0.0"), parse_ref("customer-centricity")
    (('customer-centricity', '1.0.0'), ('customer-centricity', None))
    """
    if "@" in ref:
        ident, version = ref.split("@", 1)
        if not re.match(_SEMVER, version):
            raise QuestionnaireError(f"{ref!r}: version must look like 1.0.0")
        return ident, version
    return ref, None


def list_instruments(root: Path | None = None) -> list[tuple[str, str, Path]]:
    """Every shipped instrument version as ``(id, version, path)``, sorted.

    Parameters
    ----------
    root : pathlib.Path, optional
        Folder to look in; ``None`` = :func:`questionnaires_dir`.

    Returns
    -------
    list of (str, str, pathlib.Path)
        ``(id, version, path)``, by id and then version order.
    """
    root = root or questionnaires_dir()
    found = []
    for f in root.glob("*/*.yaml"):
        if re.match(_SEMVER, f.stem):
            found.append((f.parent.name, f.stem, f))
    return sorted(found, key=lambda t: (t[0], _semver_key(t[1])))


_CACHE: dict[Path, Instrument] = {}


def get_instrument(ref: str = DEFAULT_INSTRUMENT, root: Path | None = None) -> Instrument:
    """Load a shipped instrument by ``id@version``, or a YAML file by path.

    Without a version, the newest published version is used.

    Parameters
    ----------
    ref : str, default "customer-centricity"
        ``id``, ``id@version``, or a path to a ``.yaml``/``.yml`` file.
    root : pathlib.Path, optional
        Folder of instruments; ``None`` = :func:`questionnaires_dir`.

    Returns
    -------
    questionnaires.model.Instrument
        The validated instrument.

    Raises
    ------
    questionnaires.errors.QuestionnaireError
        For an unknown instrument or version (naming those available), or a file that does not
        load (see :func:`questionnaires.loader.load_instrument`).

    Examples
    --------
    >>> get_instrument("customer-centricity@1.0.0").ref
    'customer-centricity@1.0.0'
    """
    if ref.endswith((".yaml", ".yml")) or "/" in ref:
        return load_instrument(ref)
    ident, version = parse_ref(ref)
    versions = [t for t in list_instruments(root) if t[0] == ident]
    if not versions:
        known = sorted({t[0] for t in list_instruments(root)})
        raise QuestionnaireError(f"unknown instrument {ident!r}; available: {', '.join(known)}")
    if version is None:
        path = versions[-1][2]
    else:
        match = [t for t in versions if t[1] == version]
        if not match:
            have = ", ".join(t[1] for t in versions)
            raise QuestionnaireError(f"{ident} has no version {version}; available: {have}")
        path = match[0][2]
    if path not in _CACHE:
        _CACHE[path] = load_instrument(path)
    return _CACHE[path]
