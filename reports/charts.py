"""Charts: matplotlib → small deterministic SVG → ``data:`` URI for an ``<img>`` in the template.

Determinism: Agg backend, ``svg.hashsalt`` fixed (stable element ids), ``metadata={"Date": None}``
(no timestamp), no randomness (dots are stacked, not jittered). ``svg.fonttype = "none"`` keeps
chart labels as real text in the report's own font, so they are searchable in the PDF and the SVG
stays small. Charts only read the view model, which is already anonymised.
"""

from __future__ import annotations

import base64
import io
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

from reports.theme import Theme

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.projections.polar import PolarAxes

    from reports.views import (
        DotRow,
        IndividualReport,
        MapData,
        StageView,
        TeamReport,
        TrendReport,
    )

__all__ = ["individual_charts", "svg_data_uri", "team_charts", "trend_charts"]

WIDTH = 6.3  # inches: the text width of an A4 page with the report's margins
_READY: set[str] = set()
CAMP_COLOURS = ("#1F3A5F", "#C8702A", "#5B8C85", "#8E6C8A", "#9AA5B1")


def _setup(theme: Theme) -> None:
    key = theme.fonts.body
    if key in _READY:
        return
    import matplotlib
    from matplotlib import font_manager

    matplotlib.use("Agg")
    for ttf in sorted((Path(__file__).parent / "fonts").glob("*.ttf")):
        font_manager.fontManager.addfont(str(ttf))  # bundled Lato: same metrics everywhere
    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "centric-report",
            "font.family": _available(theme.fonts.chart_family),
            "font.size": 8,
            "axes.edgecolor": theme.colours.rule,
            "axes.labelcolor": theme.colours.muted,
            "axes.titlesize": 9,
            "axes.linewidth": 0.6,
            "xtick.color": theme.colours.muted,
            "ytick.color": theme.colours.text,
            "xtick.major.size": 0,
            "ytick.major.size": 0,
            "grid.color": theme.colours.rule,
            "grid.linewidth": 0.5,
            "legend.frameon": False,
            "legend.fontsize": 7.5,
            "path.simplify": True,
        }
    )
    _READY.clear()
    _READY.add(key)


def _available(families: list[str]) -> list[str]:
    """Keep the families matplotlib can find (it needs their metrics), ending with DejaVu Sans."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    generic = {"sans-serif", "serif", "monospace"}
    found = [f for f in families if f in names and f not in generic]
    if "Centric Lato" in found:  # the bundled font covers every chart glyph: no system fallback
        found = ["Centric Lato"]
    return [*found, "DejaVu Sans"] if "DejaVu Sans" not in found else found


def _figure(height: float, width: float = WIDTH) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def svg_data_uri(fig: Figure) -> str:
    """Serialise a figure to a compact SVG ``data:`` URI (deterministic).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The chart.

    Returns
    -------
    str
        ``data:image/svg+xml;base64,...``, the same bytes for the same figure.
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, transparent=True)
    # WeasyPrint's SVG text takes the family list literally: unquote it so that the bundled
    # @font-face family is matched instead of a fontconfig fallback.
    svg = re.sub(
        rb"font-family: ?([^;\"]*)",
        lambda m: b"font-family: " + m.group(1).replace(b"'", b""),
        buf.getvalue(),
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _clean(ax: Axes) -> None:
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


# -- team report ------------------------------------------------------------------------------


def radar(vm: TeamReport, theme: Theme) -> str:
    """Maturity radar: team median of current and target per capability on the 1–5 scale."""
    import numpy as np

    c = theme.colours
    n = len(vm.radar)
    fig = _figure(3.4, 5.2)
    # projection="polar" makes a PolarAxes; matplotlib's stubs return plain Axes
    ax = cast("PolarAxes", fig.add_subplot(projection="polar"))
    angles = np.linspace(0, 2 * math.pi, n, endpoint=False).tolist()
    closed = [*angles, angles[0]]
    cur = [0 if math.isnan(r[1]) else r[1] for r in vm.radar]
    tgt = [0 if math.isnan(r[2]) else r[2] for r in vm.radar]
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(0, 5)
    ax.set_yticks([1, 2, 3, 4, 5])
    ax.set_yticklabels(["1", "2", "3", "4", "5"], color=c.muted, fontsize=6.5)
    ax.set_rlabel_position(0)
    ax.set_xticks(angles)
    ax.set_xticklabels([_wrap(r[0], 14) for r in vm.radar], fontsize=7.5, color=c.text)
    ax.tick_params(axis="x", pad=8)
    ax.grid(color=c.rule, linewidth=0.5)
    ax.spines["polar"].set_visible(False)
    ax.plot(
        closed, [*tgt, tgt[0]], color=c.accent, linewidth=1.4, linestyle=(0, (4, 2)), label="Target"
    )
    ax.plot(closed, [*cur, cur[0]], color=c.primary, linewidth=1.6, label="Today")
    ax.fill(closed, [*cur, cur[0]], color=c.primary, alpha=0.12)
    fig.legend(loc="upper left", ncol=1, bbox_to_anchor=(0.0, 1.0))
    fig.subplots_adjust(left=0.22, right=0.78, top=0.84, bottom=0.14)  # no clipped label
    return svg_data_uri(fig)


def _stack(values: Sequence[float], step: float) -> list[tuple[float, float]]:
    """Dot-histogram placement: dots with the same value (to 0.05) stack symmetrically upwards
    and downwards from the row's centre line. Deterministic, no jitter."""
    out: list[tuple[float, float]] = []
    seen: dict[int, int] = {}
    for v in values:
        key = round(v * 20)
        k = seen.get(key, 0)
        seen[key] = k + 1
        offset = ((k + 1) // 2) * step * (1 if k % 2 else -1)
        out.append((v, offset))
    return out


def _max_tie(values: Sequence[float]) -> int:
    counts: dict[int, int] = {}
    for v in values:
        counts[round(v * 20)] = counts.get(round(v * 20), 0) + 1
    return max(counts.values(), default=1)


def dot_plot(rows: Sequence[DotRow], by_role: bool, theme: Theme, reissue: bool = False) -> str:
    """Every respondent's capability score as a dot (anonymous), the team median as a bar.

    ``reissue``: no dot per person (one more or less would show who was added or removed), the
    middle half of the team (``q1``–``q3``) as a band instead.
    """
    c = theme.colours
    n = len(rows)
    row_in = 0.56  # inches per capability: room for a column of ~14 tied dots
    h = row_in * n + 0.7
    fig = _figure(h)
    ax = fig.add_subplot()
    for i, row in enumerate(rows):
        y = n - 1 - i
        ax.axhline(y, color=c.panel, linewidth=16, zorder=0)
        if not math.isnan(row.q1):
            w = max(row.q3 - row.q1, 0.04)
            ax.barh(y, w, left=row.q1, height=0.42, color=c.others, alpha=0.45, zorder=1)
        # one dot diameter (≈2.4 pt) apart, compressed only when a tie would overflow the row
        step = min(2.6 / 72 / row_in, 0.84 / max(1, _max_tie(row.others + row.management)))
        for values, colour in ((row.others, c.others), (row.management, c.management)):
            if values:
                pts = _stack(values, step)
                ax.scatter(
                    [p[0] for p in pts],
                    [y + p[1] for p in pts],
                    s=5.5,
                    color=colour,
                    alpha=0.95,
                    linewidths=0,
                    zorder=2,
                )
        if not math.isnan(row.median):
            ax.plot([row.median] * 2, [y - 0.42, y + 0.42], color=c.accent, linewidth=1.6, zorder=3)
        ax.text(5.32, y, row.label, va="center", ha="left", fontsize=7.5, color=c.text)
    ax.set_yticks(range(n))
    ax.set_yticklabels([_wrap(r.name, 26) for r in reversed(rows)])
    ax.set_xlim(0.9, 5.1)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xticks([1, 2, 3, 4, 5])
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    _clean(ax)
    ax.spines["bottom"].set_visible(False)
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Artist] = []
    if reissue:
        handles.append(Patch(color=c.others, alpha=0.45, label="Middle half of the team"))
    elif by_role:
        handles += [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color=c.management,
                markersize=4,
                label="Management team",
            ),
            Line2D([], [], marker="o", linestyle="", color=c.others, markersize=4, label="Others"),
        ]
    else:
        handles.append(
            Line2D(
                [], [], marker="o", linestyle="", color=c.others, markersize=4, label="Respondent"
            )
        )
    handles.append(Line2D([], [], color=c.accent, linewidth=2, label="Organisation median"))
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 1.0 + 0.45 / (0.42 * n + 0.7)),
        ncol=3,
    )
    fig.subplots_adjust(
        left=0.3, right=0.88, top=1 - 0.5 / (0.42 * n + 0.7), bottom=0.5 / (0.42 * n + 0.7)
    )
    return svg_data_uri(fig)


def perception_chart(vm: TeamReport, theme: Theme) -> str:
    """Diverging bars: management mean minus everyone else's, per capability."""
    c = theme.colours
    rows = vm.perception
    n = len(rows)
    h = 0.3 * n + 0.95
    fig = _figure(h)
    ax = fig.add_subplot()
    gaps = [r.gap_value for r in rows]
    ys = list(range(n))[::-1]
    # colour only what the Holm-adjusted test labels; every other gap is grey (legend below)
    colours = [
        c.negative if r.label == "blind spot" else c.positive if r.label == "hidden strength"
        else c.rule
        for r in rows
    ]  # fmt: skip
    ax.barh(ys, gaps, color=colours, height=0.55, alpha=0.85)
    from matplotlib.patches import Patch

    ax.legend(
        handles=[
            Patch(color=c.negative, alpha=0.85, label="blind spot (significant)"),
            Patch(color=c.positive, alpha=0.85, label="hidden strength (significant)"),
            Patch(color=c.rule, alpha=0.85, label="not significant"),
        ],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.45 / (0.3 * n)),
        ncol=3,
        fontsize=6.5,
    )
    lim = max(1.0, max((abs(g) for g in gaps), default=1) * 1.25)
    ax.set_xlim(-lim, lim)
    ax.axvline(0, color=c.muted, linewidth=0.8)
    ax.set_yticks(ys)
    ax.set_yticklabels([_wrap(r.name, 30) for r in rows])
    for y, r in zip(ys, rows, strict=True):
        g = r.gap_value
        ax.text(
            g + (0.03 if g >= 0 else -0.03) * lim,
            y,
            r.gap,
            va="center",
            ha="left" if g >= 0 else "right",
            fontsize=7,
            color=c.text,
        )
    ax.text(
        lim * 0.98,
        n - 0.3,
        "executives see more →",
        ha="right",
        va="bottom",
        fontsize=7,
        color=c.muted,
    )
    ax.text(
        -lim * 0.98,
        n - 0.3,
        "← organisation sees more",
        ha="left",
        va="bottom",
        fontsize=7,
        color=c.muted,
    )
    ax.set_ylim(-0.6, n + 0.1)
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    _clean(ax)
    ax.spines["bottom"].set_visible(False)
    fig.subplots_adjust(left=0.3, right=0.96, top=0.97, bottom=0.75 / h)
    return svg_data_uri(fig)


def alignment_map(data: MapData, theme: Theme) -> str:
    """Classical-MDS map of respondents coloured by camp (no ids unless a named workshop)."""
    c = theme.colours
    fig = _figure(3.3, 5.0)
    ax = fig.add_subplot()
    xs = [p[0] for p in data.coords]
    ys = [p[1] for p in data.coords]
    for k, label in enumerate(data.camp_labels):
        idx = [i for i, camp in enumerate(data.camp_of) if camp == k]
        ax.scatter(
            [xs[i] for i in idx],
            [ys[i] for i in idx],
            s=18,
            color=CAMP_COLOURS[k % len(CAMP_COLOURS)],
            alpha=0.85,
            linewidths=0,
            label=label,
        )
    for i, text in enumerate(data.labels):
        ax.annotate(
            text,
            (xs[i], ys[i]),
            fontsize=5.5,
            color=c.muted,
            xytext=(2, 2),
            textcoords="offset points",
        )
    ax.axhline(0, color=c.rule, linewidth=0.5)
    ax.axvline(0, color=c.rule, linewidth=0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=len(data.camp_labels))
    fig.subplots_adjust(left=0.02, right=0.98, top=0.98, bottom=0.12)
    return svg_data_uri(fig)


def roadmap_timeline(stages: Sequence[StageView], span: int, theme: Theme) -> str:
    """Stages as bars on a month axis, decision gates as diamonds at the end of each stage."""
    c = theme.colours
    n = len(stages)
    h = 0.5 * n + 0.55
    fig = _figure(h)
    ax = fig.add_subplot()
    for i, st in enumerate(stages):
        y = n - 1 - i
        colour = c.accent if st.kind == "align" else c.primary
        ax.barh(y, max(st.end - st.start, 0.4), left=st.start, height=0.5, color=colour, alpha=0.9)
        ax.scatter([st.end], [y], marker="D", s=22, color=c.text, zorder=3)
    ax.set_yticks(list(range(n)))
    ax.set_yticklabels([f"{st.number}  {_wrap(st.name, 34)}" for st in reversed(stages)])
    # the axis covers every stage: the last tick at or after the last stage's end
    span = max([span, *(st.end for st in stages)])
    step = 3 if span <= 24 else 6
    last = -(-span // step) * step
    ax.set_xlim(0, last + 0.5)
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlabel("months from the start", fontsize=7)
    ax.set_xticks(list(range(0, last + 1, step)))
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    _clean(ax)
    fig.subplots_adjust(left=0.36, right=0.98, top=0.96, bottom=0.4 / h + 0.05)
    return svg_data_uri(fig)


def team_charts(vm: TeamReport, theme: Theme) -> dict[str, str]:
    """Every chart of the team report, as ``data:`` URIs keyed by name.

    Parameters
    ----------
    vm : TeamReport
        The team report's view model.
    theme : Theme
        Colours and fonts.

    Returns
    -------
    dict of str to str
        Chart name (``"radar"``, ``"dots"``, …) → ``data:`` URI.
    """
    _setup(theme)
    charts = {
        "radar": radar(vm, theme),
        "dots": dot_plot(vm.dots, vm.dots_by_role and not vm.reissue, theme, vm.reissue),
        "timeline": roadmap_timeline(vm.stages, vm.stage_span, theme) if vm.stages else "",
    }
    if vm.perception:
        charts["perception"] = perception_chart(vm, theme)
    if vm.map is not None and not vm.reissue:  # a reissue draws no point per person
        charts["map"] = alignment_map(vm.map, theme)
    return charts


# -- individual and trend -----------------------------------------------------------------------


def individual_chart(vm: IndividualReport, theme: Theme) -> str:
    """Your score (dot) against the team's interquartile range (band) and median (bar)."""
    c = theme.colours
    n = len(vm.rows)
    h = 0.36 * n + 0.7
    fig = _figure(h)
    ax = fig.add_subplot()
    for i, r in enumerate(vm.rows):
        y = n - 1 - i
        if not math.isnan(r.q1):
            ax.barh(y, max(r.q3 - r.q1, 0.04), left=r.q1, height=0.42, color=c.others, alpha=0.45)
        if not math.isnan(r.median_value):
            ax.plot([r.median_value] * 2, [y - 0.26, y + 0.26], color=c.primary, linewidth=1.8)
        if not math.isnan(r.you_value):
            ax.scatter([r.you_value], [y], s=34, color=c.accent, zorder=3, linewidths=0)
    ax.set_yticks(range(n))
    ax.set_yticklabels([_wrap(r.name, 28) for r in reversed(vm.rows)])
    ax.set_xlim(0.9, 5.1)
    ax.set_xticks([1, 2, 3, 4, 5])
    ax.set_ylim(-0.6, n - 0.4)
    ax.grid(axis="x")
    ax.set_axisbelow(True)
    _clean(ax)
    ax.spines["bottom"].set_visible(False)
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    # the comparison group is the management team, or the organisation when the team is hidden
    who = vm.organisation if "fewer" in vm.management or not vm.management else vm.management
    handles: list[Artist] = [
        Line2D([], [], marker="o", linestyle="", color=c.accent, markersize=5, label="You")
    ]
    if not vm.self_only:
        handles += [
            Line2D([], [], color=c.primary, linewidth=1.8, label=f"Median, {who}"),
            Patch(color=c.others, alpha=0.45, label=f"Middle half, {who}"),
        ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 1.0 + 0.45 / h),
        ncol=len(handles),
    )
    fig.subplots_adjust(left=0.3, right=0.97, top=1 - 0.5 / h, bottom=0.35 / h)
    return svg_data_uri(fig)


def individual_charts(vm: IndividualReport, theme: Theme) -> dict[str, str]:
    """Every chart of a personal report, as ``data:`` URIs keyed by name.

    Parameters
    ----------
    vm : IndividualReport
        The personal report's view model.
    theme : Theme
        Colours and fonts.

    Returns
    -------
    dict of str to str
        ``{"profile": data URI}``.
    """
    _setup(theme)
    return {"profile": individual_chart(vm, theme)}


def trend_chart(vm: TrendReport, theme: Theme) -> str:
    """Small multiples: one panel per capability, score per wave."""
    c = theme.colours
    n = len(vm.rows)
    cols = 4
    nrows = max(1, math.ceil(n / cols))
    fig = _figure(1.45 * nrows + 0.2)
    axes = fig.subplots(nrows, cols, squeeze=False, sharey=True)
    x = list(range(len(vm.waves)))
    for k, ax in enumerate(axes.flat):
        if k >= n:
            ax.set_visible(False)
            continue
        row = vm.rows[k]
        colour = {"ok": c.positive, "bad": c.negative}.get(row.change_css, c.primary)
        ax.plot(x, row.series, color=colour, linewidth=1.6, marker="o", markersize=3)
        ax.set_title(_wrap(row.name, 22), fontsize=7.5, color=c.text, loc="left")
        ax.set_ylim(1, 5)
        ax.set_yticks([1, 3, 5])
        ax.set_xticks(x)
        ax.set_xticklabels(vm.waves, fontsize=6.5)
        ax.set_xlim(-0.3, len(x) - 0.7)
        ax.grid(axis="y")
        _clean(ax)
    fig.subplots_adjust(left=0.05, right=0.99, top=0.9, bottom=0.1, hspace=0.75, wspace=0.18)
    return svg_data_uri(fig)


def trend_charts(vm: TrendReport, theme: Theme) -> dict[str, str]:
    """Every chart of the trend report, as ``data:`` URIs keyed by name.

    Parameters
    ----------
    vm : TrendReport
        The trend report's view model.
    theme : Theme
        Colours and fonts.

    Returns
    -------
    dict of str to str
        ``{"trend": data URI}``.
    """
    _setup(theme)
    return {"trend": trend_chart(vm, theme)}


def _wrap(text: str, width: int) -> str:
    """Break a label on spaces into lines of at most ``width`` characters."""
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines)
