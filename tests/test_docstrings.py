"""Docstrings of the public API follow one convention: numpydoc (issue 9, item 6).

The public API of a package is every function and class named in ``__all__`` of one of its public
modules (the package ``__init__`` included), plus the public methods of those classes that take
parameters. Each is checked with :func:`numpydoc.validate.validate` and fails on the codes in
:data:`CHECKS`. Record classes (dataclasses, pydantic models, named tuples, SQLAlchemy mapped classes, whose
fields are their column attributes) document their fields in
an ``Attributes`` section: numpydoc's PR01/PR02/PR03 (which compare a class docstring's
``Parameters`` with the constructor) are replaced for them by :data:`ATTRIBUTE_CHECKS`. Two
exceptions: a class that inherits its constructor (an exception subclass) is not asked to document
its parameters again, the class that defines the constructor does; and the pydantic models of the
instrument file keep their one or two sentences, because their docstrings are the descriptions of
the shipped JSON Schema (``questionnaires/schema/instrument.schema.json``) and their fields are
documented in ``docs/questionnaire-format.md``.

Not enforced: ES01 (extended summary), SS05 (the house writes noun-phrase summaries, "The team
score of ..."), SA01 (See Also), EX01 (examples are given for statistics, not for every accessor),
PR08/RT04 (a description may start with its symbol: "r_wg, ``nan`` when ...", "α; ...").
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from numpydoc.docscrape import NumpyDocString
from numpydoc.validate import ERROR_MSGS, validate
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROOT = Path(__file__).resolve().parents[1]

#: Packages whose public API is checked; grows as packages are converted.
COVERED = ["scoring", "questionnaires", "reports", "assessment"]

#: Modules not converted yet -> why. Their objects are skipped wherever they are re-exported.
NOT_YET: dict[str, str] = {}

#: Modules (and the packages under them) that are not library API -> why. Never checked.
NOT_API = {
    "assessment.cli": "click commands: their help text is the CLI reference (docs/cli.md)",
    "assessment.errors": "one-release shim of questionnaires.errors",
    "assessment.model": "one-release shim of questionnaires.model",
    "assessment.responses": "one-release shim of questionnaires.answers",
    "assessment.store.service": "one-release shim of assessment.store.repository",
    "assessment.store.migrations": "Alembic revisions, run inside Alembic's context",
}

#: Modules without ``__all__`` whose public functions and classes are checked: the use-case
#: modules behind ``assessment.service`` (its ``__all__`` re-exports most, not all, of them).
ALL_PUBLIC = ("assessment.service.",)

CHECKS = {
    "GL01",  # summary right after the opening quotes or on the next line
    "GL02",  # closing quotes on their own line
    "GL03",  # no double blank lines
    "GL05",  # no tabs
    "GL06",  # only numpydoc's sections
    "GL07",  # sections in numpydoc's order
    "GL08",  # a docstring
    "GL10",  # reST directives with two colons
    "SS01",  # a summary
    "SS02",  # summary starts with a capital letter
    "SS03",  # summary ends with a period
    "SS04",  # no leading whitespace in the summary
    "SS06",  # summary on one line
    "PR01",  # every parameter documented
    "PR02",  # no unknown parameter documented
    "PR03",  # parameters in signature order
    "PR04",  # every parameter has a type
    "PR05",  # type does not end with a period
    "PR06",  # int/bool/str, not integer/boolean/string
    "PR07",  # every parameter has a description
    "PR09",  # description ends with a period
    "PR10",  # "name : type", space before the colon
    "RT01",  # a Returns section when the function returns something
    "RT02",  # a single return value is given by its type only
    "RT03",  # return value has a description
    "RT05",  # return description ends with a period
    "YD01",  # a Yields section for generators
}

ATTRIBUTE_CHECKS = {
    "AT01": "fields {names} not documented in an Attributes section",
    "AT02": "Attributes documents {names}, which are not fields or attributes of the class",
}


def _modules(package: str) -> Iterator[str]:
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(p.startswith("_") for p in parts):
            continue
        name = ".".join(parts)
        if name in NOT_YET or any(name == x or name.startswith(x + ".") for x in NOT_API):
            continue
        yield name


def _exported(module: Any) -> list[str]:
    """The names ``module`` makes public: ``__all__``, or for :data:`ALL_PUBLIC` its definitions."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    if module.__name__.startswith(ALL_PUBLIC):
        return [
            n
            for n, obj in vars(module).items()
            if not n.startswith("_")
            and (inspect.isfunction(obj) or inspect.isclass(obj))
            and obj.__module__ == module.__name__
        ]
    return []


def _mapper(cls: type) -> Any:
    """The SQLAlchemy mapper of a mapped class (constructed from ``**kwargs``), else ``None``."""
    import sqlalchemy

    return sqlalchemy.inspect(cls, raiseerr=False) if hasattr(cls, "__mapper__") else None


def _is_record(cls: type) -> bool:
    return (
        dataclasses.is_dataclass(cls)
        or hasattr(cls, "model_fields")
        or (issubclass(cls, tuple) and hasattr(cls, "_fields"))
        or _mapper(cls) is not None
    )


def _fields(cls: type) -> list[str]:
    if dataclasses.is_dataclass(cls):
        return [f.name for f in dataclasses.fields(cls)]
    if hasattr(cls, "model_fields"):
        return list(cls.model_fields)
    mapper = _mapper(cls)
    if mapper is not None:
        return [a.key for a in mapper.column_attrs]
    return list(getattr(cls, "_fields", ()))


def _in_instrument_schema(cls: type) -> bool:
    """Whether ``cls`` is a model of the instrument file, its docstring a schema description."""
    if not hasattr(cls, "model_fields"):
        return False
    from questionnaires.schema import instrument_schema

    schema = instrument_schema()
    return cls.__name__ in {schema["title"], *schema.get("$defs", {})}


def _methods(cls: type) -> Iterator[str]:
    """Public methods defined on ``cls`` that take parameters besides ``self``/``cls``."""
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        func = getattr(member, "__func__", member)
        if not inspect.isfunction(func):
            continue
        params = list(inspect.signature(func).parameters)
        if isinstance(member, classmethod) or (params and params[0] == "self"):
            params = params[1:]
        if params:
            yield name


def public_api(package: str) -> dict[str, Any]:
    """Canonical dotted name -> object, for the public callables of ``package``."""
    found: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for module_name in _modules(package):
            module = importlib.import_module(module_name)
            for attr in _exported(module):
                obj = getattr(module, attr)
                if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                    continue
                home = obj.__module__
                if home != package and not home.startswith(package + "."):
                    continue  # re-exported from another package: checked there
                if home in NOT_YET:
                    continue
                name = f"{home}.{obj.__qualname__}"
                found[name] = obj
                if inspect.isclass(obj):
                    for method in _methods(obj):
                        found[f"{name}.{method}"] = getattr(obj, method)
    return found


def _attribute_errors(cls: type) -> list[tuple[str, str]]:
    documented = {
        n.strip()
        for names, _, _ in NumpyDocString(inspect.getdoc(cls) or "")["Attributes"]
        for n in names.split(",")
    }
    fields = _fields(cls)
    errs = []
    missing = [f for f in fields if f not in documented]
    if missing:
        errs.append(("AT01", ATTRIBUTE_CHECKS["AT01"].format(names=missing)))
    unknown = sorted(n for n in documented if n not in fields and not hasattr(cls, n))
    if unknown:
        errs.append(("AT02", ATTRIBUTE_CHECKS["AT02"].format(names=unknown)))
    return errs


def problems(name: str, obj: Any) -> list[str]:
    """``"<name>: <code> <message>"`` for every enforced check ``obj``'s docstring fails."""
    errs = [(code, msg) for code, msg in validate(name)["errors"] if code in CHECKS]
    if inspect.isclass(obj) and "__init__" not in vars(obj):
        # an inherited constructor (an exception subclass) is documented where it is defined
        errs = [e for e in errs if e[0] not in ("PR01", "PR02", "PR03")]
    if inspect.isclass(obj) and _is_record(obj):
        errs = [e for e in errs if e[0] not in ("PR01", "PR02", "PR03")]
        if inspect.getdoc(obj) and not _in_instrument_schema(obj):
            errs += _attribute_errors(obj)
    return [f"{name}: {code} {msg}" for code, msg in errs]


@pytest.mark.parametrize("package", COVERED)
def test_public_docstrings_follow_numpydoc(package: str) -> None:
    api = public_api(package)
    assert len(api) > 10, f"{package}: only {sorted(api)} found; is __all__ read?"
    failures = [p for name, obj in sorted(api.items()) for p in problems(name, obj)]
    assert not failures, "\n".join(failures)


def test_the_enforced_checks_are_numpydoc_codes() -> None:
    assert set(ERROR_MSGS) >= CHECKS


def _undocumented(x: int, y: int = 2) -> int:
    """Add up
    two numbers"""
    return x + y


@dataclasses.dataclass(frozen=True)
class _Record:
    """A record.

    Attributes
    ----------
    a : int
        The first field.
    c : int
        Not a field.
    """

    a: int
    b: int


def test_a_bad_docstring_is_reported() -> None:
    """The checks can fail: a two-line summary without a period, parameters and returns."""
    codes = {p.split()[1] for p in problems(f"{__name__}._undocumented", _undocumented)}
    assert {"SS03", "SS06", "PR01", "RT01"} <= codes


def test_an_undocumented_or_unknown_field_is_reported() -> None:
    found = problems(f"{__name__}._Record", _Record)
    assert [p.split()[1] for p in found] == ["AT01", "AT02"], found
    assert "['b']" in found[0] and "['c']" in found[1]


def test_only_the_instrument_file_models_keep_their_schema_docstrings() -> None:
    from questionnaires.diff import InstrumentDiff
    from questionnaires.model import Instrument, Item

    assert _in_instrument_schema(Instrument) and _in_instrument_schema(Item)
    assert not _in_instrument_schema(InstrumentDiff)


def test_public_methods_with_parameters_are_covered() -> None:
    api = public_api("scoring")
    assert "scoring.results.WaveResult.score" in api
    assert "scoring.results.ScoreOptions.resolved" in api


class _Base(Exception):
    """An error with its own constructor."""

    def __init__(self, what: str) -> None:
        super().__init__(what)


class _Inherits(_Base):
    """An error that inherits the constructor."""


def test_a_constructor_is_documented_where_it_is_defined() -> None:
    assert any(" PR01 " in p for p in problems(f"{__name__}._Base", _Base))
    assert not problems(f"{__name__}._Inherits", _Inherits)


class _MappedBase(DeclarativeBase):
    """A declarative base of the test's own."""


class _Parent(_MappedBase):
    """A mapped class that documents a relationship and one of its two columns.

    Attributes
    ----------
    id : int
        Primary key.
    children : list of _Child
        A relationship, not a column.
    """

    __tablename__ = "parent"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    children: Mapped[list[_Child]] = relationship()


class _Child(_MappedBase):
    __tablename__ = "child"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parent.id"))


def test_a_mapped_class_documents_its_columns() -> None:
    """A SQLAlchemy model is a record: its columns are its fields, relationships may be listed."""
    from assessment.store.models import Organisation

    assert _is_record(Organisation) and _fields(Organisation) == ["id", "slug", "name"]
    found = problems(f"{__name__}._Parent", _Parent)
    assert [p.split()[1] for p in found] == ["AT01"], found
    assert "['name']" in found[0]
