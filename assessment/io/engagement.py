"""The engagement file: a client's numbers for the business case (``docs/engagement.md``).

A YAML (``.yaml``/``.yml``) or TOML (``.toml``) file; its JSON Schema ships next to this module
(``engagement.schema.json``; a test keeps it equal to :func:`engagement_schema_text`). Every problem
is an :class:`EngagementError` naming the file, the line and the key, with "did you mean" for a
misspelt key.

**Shares** (service-contact share, contact mix, repurchase rates, gate pass probabilities) are
written either as a number from 0 to 1 (``0.4``) or as a percentage string with a ``%`` sign
(``"40%"``, ``40%`` in YAML). A bare number above 1 (``40``) is an error, never read as a
percentage: ``1`` means 100%, and ``40`` would be ambiguous.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import tomllib
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from questionnaires.errors import CentricError, Problem
from scoring.business_case import (
    WOOD_RATES,
    WOOD_SOURCE,
    ClientBusinessCase,
    ClientEconomics,
    client_business_case,
)
from scoring.staging import DEFAULT_GATE_PASS, StagePlan, stage_plans

if TYPE_CHECKING:
    from questionnaires.model import Instrument
    from scoring.results import Roadmap

__all__ = [
    "SCHEMA_PATH",
    "BandCosts",
    "ContactMix",
    "Engagement",
    "EngagementError",
    "Gates",
    "Programme",
    "ReportSettings",
    "RepurchaseRates",
    "StageCost",
    "engagement_from_data",
    "engagement_schema",
    "engagement_schema_text",
    "load_engagement",
]

SCHEMA_PATH = Path(__file__).with_name("engagement.schema.json")

Loc = tuple[int | str, ...]


class EngagementError(CentricError, ValueError):
    """An engagement file cannot be read; ``problems`` lists every problem (file, line, key).

    Parameters
    ----------
    problems : sequence of Problem
        Every problem found (``row`` = line in the file, ``column`` = dotted key).
    source : str
        The file, at the head of the message.
    """

    def __init__(self, problems: Sequence[Problem], source: str) -> None:
        self.problems = tuple(problems)
        self.source = source
        lines = [_fmt_problem(p) for p in self.problems]
        if len(lines) == 1:
            text = lines[0]
        else:
            text = f"{source}: {len(lines)} problems in the engagement file:\n" + "\n".join(
                f"  - {line}" for line in lines
            )
        super().__init__(text)


def _fmt_problem(p: Problem) -> str:
    where = p.source + (f":{p.row}" if p.row else "")
    key = f" {p.column}:" if p.column else ""
    return f"{where}:{key} {p.message}"


_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def _share(value: Any) -> Any:
    """``0.4`` or ``"40%"`` -> 0.4; anything else is refused with the rule."""
    if isinstance(value, bool):
        raise ValueError(f'must be a share such as 0.4 or "40%", got {value!r}')
    if isinstance(value, str):
        m = _PERCENT.match(value)
        if not m:
            raise ValueError(f'must be a share such as 0.4 or "40%", got {value!r}')
        share = float(m[1]) / 100
        if share > 1:
            raise ValueError(f"is {value.strip()}, above 100%; a share lies between 0% and 100%")
        return share
    if isinstance(value, int | float):
        if value > 1:
            raise ValueError(
                f"is {value}, above 1; write a share as a number from 0 to 1 or with a % sign "
                f'(0.4 or "40%")'
            )
        if value < 0:
            raise ValueError(f"is {value}, below 0; a share lies between 0 and 1 (0% and 100%)")
        return float(value)
    raise ValueError(f'must be a share such as 0.4 or "40%", got {type(value).__name__}')


def _money(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number (an amount of money), got {value!r}")
    if value < 0:
        raise ValueError(f"must not be negative, got {value}")
    return float(value)


_SHARE_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "string", "pattern": r"^\s*(100(\.0+)?|\d{1,2}(\.\d+)?)\s*%\s*$"},
    ],
    "description": 'A share: a number from 0 to 1 (0.4) or a percentage with a % sign ("40%").',
}
_MONEY_SCHEMA = {"type": "number", "minimum": 0}

Share = Annotated[float, BeforeValidator(_share), WithJsonSchema(_SHARE_SCHEMA)]
Money = Annotated[float, BeforeValidator(_money), WithJsonSchema(_MONEY_SCHEMA)]


def _summary_only(schema: dict[str, Any], cls: type) -> None:
    """Schema description = the docstring's first line (the Attributes section is for Python)."""
    doc = (cls.__doc__ or "").strip().splitlines()
    if doc:
        schema["description"] = doc[0]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_summary_only)


class ContactMix(_Strict):
    """The share of service contacts that go well, today and at the target.

    Attributes
    ----------
    today : float
        Share of contacts that go well today (from the client's QA or survey data).
    target : float
        Share the programme aims for; not below today's.
    """

    today: Share = Field(description="Share of service contacts that go well today.")
    target: Share = Field(description="Share of service contacts that should go well.")

    @model_validator(mode="after")
    def _target_not_below_today(self) -> ContactMix:
        if self.target < self.today:
            raise ValueError(
                f"target ({self.target:.0%}) is below today ({self.today:.0%}); the target is "
                "the share of good contacts the programme aims for"
            )
        return self


class RepurchaseRates(_Strict):
    """The client's own repurchase rates by contact outcome (instead of Wood's 78/89/32).

    Attributes
    ----------
    base : float
        Repurchase rate of customers without a service contact.
    good : float
        Repurchase rate after a contact that went well.
    bad : float
        Repurchase rate after a contact that went badly; not above ``good``.
    source : str
        Where the rates come from (cited in the report).
    """

    base: Share = Field(description="Repurchase rate without a service contact.")
    good: Share = Field(description="Repurchase rate after a good contact.")
    bad: Share = Field(description="Repurchase rate after a bad contact.")
    source: str = Field(min_length=3, description="Where the rates come from.")

    @model_validator(mode="after")
    def _good_not_below_bad(self) -> RepurchaseRates:
        if self.good < self.bad:
            raise ValueError(f"good ({self.good:.0%}) is below bad ({self.bad:.0%})")
        return self


class StageCost(_Strict):
    """The cost of one roadmap stage (a bare number is read as its cost).

    Attributes
    ----------
    name : str or None
        Stage name (used when no roadmap names the stages).
    cost : float
        Investment in the stage.
    """

    name: str | None = Field(default=None, description="Stage name.")
    cost: Money = Field(description="Investment in the stage.")

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, data: Any) -> Any:
        return data if isinstance(data, dict) else {"cost": data}

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"anyOf": [_MONEY_SCHEMA, handler(core)]}


class BandCosts(_Strict):
    """The cost of one action in each cost band of the instrument (1.1.0 and later).

    Attributes
    ----------
    low : float
        Within existing budgets.
    medium : float
        A budget line approved by the owner.
    high : float
        Significant operating cost or a pay or grade change.
    capital : float
        A capital investment approved by the executive team.
    """

    low: Money = Field(description="Cost of a low-band action (within existing budgets).")
    medium: Money = Field(description="Cost of a medium-band action (a budget line).")
    high: Money = Field(description="Cost of a high-band action.")
    capital: Money = Field(description="Cost of a capital-band action.")


class Programme(_Strict):
    """The programme's cost: one cost per roadmap stage, or one cost per action cost band.

    Attributes
    ----------
    stage_costs : list of StageCost or None
        One cost per roadmap stage, in order.
    band_costs : BandCosts or None
        Cost of one action per cost band; the roadmap turns them into stage costs.
    """

    stage_costs: list[StageCost] | None = Field(
        default=None, min_length=1, description="One cost per roadmap stage, in order."
    )
    band_costs: BandCosts | None = Field(
        default=None, description="Cost of one action per cost band."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Programme:
        if (self.stage_costs is None) == (self.band_costs is None):
            raise ValueError("give either stage_costs or band_costs (exactly one of them)")
        return self


class Gates(_Strict):
    """The probability that a decision gate is passed (default 80%, an assumption).

    Attributes
    ----------
    pass_probability : float
        Probability for every gate.
    per_stage : list of float or None
        One probability per stage (the gate at its end), overriding ``pass_probability``.
    """

    pass_probability: Share = Field(
        default=DEFAULT_GATE_PASS, description="Probability that each gate is passed."
    )
    per_stage: list[Share] | None = Field(
        default=None, min_length=1, description="One probability per stage."
    )


class ReportSettings(_Strict):
    """Optional report settings.

    Attributes
    ----------
    date : datetime.date or None
        Date printed on the report.
    theme : str or None
        Theme file (read relative to the engagement file).
    """

    date: dt.date | None = Field(default=None, description="Date printed on the report.")
    theme: str | None = Field(default=None, min_length=1, description="Theme file.")


class Engagement(_Strict):
    """A client engagement: the numbers the business case is computed from.

    Attributes
    ----------
    client : str
        Client name.
    currency : str
        ISO 4217 code of every amount (``EUR``, ``USD``, ``GBP``).
    customers : int
        Number of customers.
    revenue_per_customer : float
        Yearly revenue of one customer.
    service_contact_share : float
        Share of customers with at least one service contact in a year.
    contact_mix : ContactMix
        Share of contacts that go well, today and at the target.
    repurchase_rates : RepurchaseRates or None
        The client's own rates; ``None`` = Wood's 78/89/32.
    acquisition_cost_per_customer : float or None
        Cost of winning one new customer.
    programme : Programme
        Cost per stage or per cost band.
    horizon_months : int
        Months over which the gain is counted (default 36).
    gates : Gates
        Gate pass probabilities.
    report : ReportSettings or None
        Report date and theme.
    """

    client: str = Field(min_length=1, description="Client name.")
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code.")
    customers: int = Field(gt=0, description="Number of customers.")
    revenue_per_customer: Money = Field(description="Yearly revenue of one customer.")
    service_contact_share: Share = Field(
        description="Share of customers with a service contact in a year."
    )
    contact_mix: ContactMix
    repurchase_rates: RepurchaseRates | None = None
    acquisition_cost_per_customer: Money | None = Field(
        default=None, description="Cost of winning one new customer."
    )
    programme: Programme
    horizon_months: int = Field(default=36, ge=1, le=120, description="Months counted.")
    gates: Gates = Field(default_factory=Gates)
    report: ReportSettings | None = None

    def economics(self) -> ClientEconomics:
        """The client's numbers for :func:`scoring.business_case.client_business_case`.

        Returns
        -------
        scoring.business_case.ClientEconomics
            Customers, revenue, shares, rates (the client's or Wood's), costs and gates.
        """
        rates = self.repurchase_rates
        base, good, bad = (rates.base, rates.good, rates.bad) if rates else WOOD_RATES
        per_stage = self.gates.per_stage
        return ClientEconomics(
            customers=self.customers,
            revenue_per_customer=self.revenue_per_customer,
            service_contact_share=self.service_contact_share,
            good_share_today=self.contact_mix.today,
            good_share_target=self.contact_mix.target,
            base_rate=base,
            good_rate=good,
            bad_rate=bad,
            rates_source=rates.source if rates else WOOD_SOURCE,
            acquisition_cost=self.acquisition_cost_per_customer,
            horizon_months=self.horizon_months,
            gate_pass_probabilities=tuple(per_stage) if per_stage else self.gates.pass_probability,
            currency=self.currency,
            client=self.client,
        )

    def stage_plans(
        self, roadmap: Roadmap | None = None, instrument: Instrument | None = None
    ) -> tuple[StagePlan, ...]:
        """The programme's stages with their cost and share of the gain.

        Parameters
        ----------
        roadmap : scoring.results.Roadmap or None, optional
            The roadmap; required with band costs.
        instrument : questionnaires.model.Instrument or None, optional
            Gives each action's cost band (for band costs).

        Returns
        -------
        tuple of scoring.staging.StagePlan
            One plan per stage.

        Raises
        ------
        questionnaires.errors.ScoringError
            When the stage costs do not match the roadmap or an action has no cost band.
        """
        p = self.programme
        bands = None
        if instrument is not None:
            bands = {a.id: a.cost_band for c in instrument.capabilities for a in c.actions}
        return stage_plans(
            roadmap,
            stage_costs=[s.cost for s in p.stage_costs] if p.stage_costs else None,
            stage_names=[s.name for s in p.stage_costs] if p.stage_costs else None,
            band_costs=p.band_costs.model_dump() if p.band_costs else None,
            action_bands=bands,
        )

    def business_case(
        self, roadmap: Roadmap | None = None, instrument: Instrument | None = None
    ) -> ClientBusinessCase:
        """The business case of this engagement (with the roadmap's stages when given).

        Parameters
        ----------
        roadmap : scoring.results.Roadmap or None, optional
            The roadmap whose stages the costs belong to.
        instrument : questionnaires.model.Instrument or None, optional
            Gives each action's cost band (for band costs).

        Returns
        -------
        scoring.business_case.ClientBusinessCase
            Revenues, gain, investment, payback, sensitivity, customer equivalents, staging.

        Raises
        ------
        questionnaires.errors.ScoringError
            When the costs or gate probabilities do not match the roadmap's stages.
        """
        return client_business_case(self.economics(), self.stage_plans(roadmap, instrument))


# ---- reading -----------------------------------------------------------------------------


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models inside a field annotation (``X | None``, ``list[X]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    origin = typing.get_origin(annotation)
    if origin is not None or isinstance(annotation, types.UnionType):
        for arg in typing.get_args(annotation):
            found.extend(_models_in(arg))
    return found


def _keys_at(loc: Loc) -> list[str]:
    """The keys allowed in the mapping at ``loc`` (for "did you mean")."""
    model: type[BaseModel] = Engagement
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        inner = _models_in(field.annotation) if field else []
        if not inner:
            return []
        model = inner[0]
    return list(model.model_fields)


def _fmt_loc(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(err: Any, loc: Loc) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _keys_at(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown key{hint} (allowed here: {', '.join(allowed)})"
    if kind == "missing":
        return "is missing; add it (docs/engagement.md lists every key)"
    msg: str = err["msg"].removeprefix("Value error, ")
    if kind.endswith("_type") or kind.endswith("_parsing"):
        msg += f", got {err.get('input')!r}"
    return msg


def _problems(exc: ValidationError, source: str, line_of: Any) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc: Loc = tuple(p for p in err["loc"] if not str(p).startswith("function-"))
        problems.append(Problem(_message(err, loc), source, line_of(loc), _fmt_loc(loc) or None))
    return sorted(problems, key=lambda p: p.row or 0)


def engagement_from_data(
    data: Any, source: str = "<engagement>", *, line_of: Any = None
) -> Engagement:
    """Validate parsed engagement data, listing every problem.

    Parameters
    ----------
    data : Any
        The parsed document (a mapping).
    source : str, default "<engagement>"
        Name of the file or upload, in every problem.
    line_of : callable, optional
        Maps a key path (tuple) to its 1-based line in the file, or ``None``.

    Returns
    -------
    Engagement
        The validated engagement.

    Raises
    ------
    EngagementError
        Naming the file, line and key of every problem.
    """
    locate = line_of or (lambda loc: None)
    if not isinstance(data, dict):
        got = "an empty file" if data is None else type(data).__name__
        raise EngagementError(
            [Problem(f"expected a mapping (client: ..., customers: ...), got {got}", source, 1)],
            source,
        )
    try:
        return Engagement.model_validate(data)
    except ValidationError as exc:
        raise EngagementError(_problems(exc, source, locate), source) from None


def _yaml_line_of(node: Any) -> Any:
    import yaml

    def line_of(loc: Loc) -> int | None:
        current = node
        line: int | None = current.start_mark.line + 1 if current is not None else None
        for part in loc:
            nxt = None
            if isinstance(current, yaml.MappingNode):
                for key, value in current.value:
                    if str(key.value) == str(part):
                        nxt, line = value, key.start_mark.line + 1
                        break
            elif (
                isinstance(current, yaml.SequenceNode)
                and isinstance(part, int)
                and part < len(current.value)
            ):
                nxt = current.value[part]
                line = nxt.start_mark.line + 1
            if nxt is None:
                break
            current = nxt
        return line

    return line_of


_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_.\-\"' ]+?)\s*=")


def _toml_line_of(text: str) -> Any:
    """Key path -> line, from ``[table]``, ``[[array]]`` headers and ``key =`` lines."""
    lines: dict[Loc, int] = {}
    table: Loc = ()
    counts: dict[Loc, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if m := _TOML_HEADER.match(raw):
            path: Loc = tuple(p.strip().strip("\"'") for p in m[2].split("."))
            if m[1] == "[[":
                counts[path] = counts.get(path, -1) + 1
                path = (*path, counts[path])
            table = path
            lines.setdefault(table, number)
        elif m := _TOML_KEY.match(raw):
            key = tuple(p.strip().strip("\"'") for p in m[1].split("."))
            lines.setdefault((*table, *key), number)

    def line_of(loc: Loc) -> int | None:
        for end in range(len(loc), 0, -1):
            if loc[:end] in lines:
                return lines[loc[:end]]
        return None

    return line_of


def _parse(text: str, suffix: str, source: str) -> tuple[Any, Any]:
    """The parsed document and its key-path -> line function."""
    if suffix == ".toml":
        try:
            return tomllib.loads(text), _toml_line_of(text)
        except tomllib.TOMLDecodeError as exc:
            line = re.search(r"line (\d+)", str(exc))
            row = int(line[1]) if line else None
            raise EngagementError(
                [Problem(f"not valid TOML: {exc}", source, row)], source
            ) from None
    if suffix in (".yaml", ".yml"):
        import yaml

        from questionnaires.loader import _yaml_loader

        loader = _yaml_loader()(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc)
            row = mark.line + 1 if mark else None
            raise EngagementError(
                [Problem(f"not valid YAML: {problem}", source, row)], source
            ) from None
        finally:
            loader.dispose()
        return data, _yaml_line_of(node)
    raise EngagementError(
        [Problem("an engagement file must end in .yaml, .yml or .toml", source)], source
    )


def load_engagement(path: str | Path | bytes | IO[bytes], *, name: str | None = None) -> Engagement:
    """Read and validate an engagement file (YAML or TOML, by its suffix).

    A relative ``report.theme`` is resolved against the file's folder and must exist.

    Parameters
    ----------
    path : str or pathlib.Path or bytes or binary file
        The file, or its content (an upload has no path).
    name : str, optional
        Display name of an upload (e.g. ``"acme-engagement.yaml"``); its suffix chooses the format.

    Returns
    -------
    Engagement
        The validated engagement.

    Raises
    ------
    EngagementError
        For a missing, non-UTF-8 or malformed file, and for every invalid value, unknown key
        (with "did you mean"), wrong type, share above 100% or negative cost, each with the file,
        line and key.
    """
    base: Path | None = None
    if isinstance(path, str | Path):
        file = Path(path)
        source, suffix, base = name or str(file), file.suffix.lower(), file.parent
        try:
            raw = file.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise EngagementError([Problem("no such engagement file", source)], source) from None
    else:
        source = name or "<engagement>"
        suffix = Path(source).suffix.lower()
        raw = path if isinstance(path, bytes) else path.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problem = Problem(f"not UTF-8 text (at byte {exc.start}); save it as UTF-8", source)
        raise EngagementError([problem], source) from None
    data, line_of = _parse(text, suffix, source)
    engagement = engagement_from_data(data, source, line_of=line_of)
    return _resolve_theme(engagement, base, source, line_of)


def _resolve_theme(
    engagement: Engagement, base: Path | None, source: str, line_of: Any
) -> Engagement:
    report = engagement.report
    if report is None or report.theme is None or base is None:
        return engagement
    theme = Path(report.theme)
    theme = theme if theme.is_absolute() else base / theme
    if not theme.is_file():
        loc: Loc = ("report", "theme")
        problem = Problem(
            f"no such theme file {str(theme)!r} (a relative path is read from the engagement "
            "file's folder)",
            source,
            line_of(loc),
            "report.theme",
        )
        raise EngagementError([problem], source)
    settings = report.model_copy(update={"theme": str(theme)})
    return engagement.model_copy(update={"report": settings})


# ---- schema ------------------------------------------------------------------------------


def engagement_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the engagement file, generated from the model.

    The shipped copy is ``assessment/io/engagement.schema.json``; a test keeps it equal.

    Returns
    -------
    dict of str to Any
        The schema, with ``$schema`` and ``$id`` set.
    """
    schema = Engagement.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://centric.example/schemas/engagement-1.json"
    return schema


def engagement_schema_text() -> str:
    """:func:`engagement_schema` serialised as shipped (2-space indent, newline at the end).

    Returns
    -------
    str
        The schema as JSON text.
    """
    return json.dumps(engagement_schema(), indent=2, ensure_ascii=False) + "\n"
