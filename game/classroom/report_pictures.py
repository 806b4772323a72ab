"""The end-of-lesson report as pictures (PNG pages or one PDF), drawn with matplotlib (Agg).

Page 1, the class: each pupil's MVPA minutes as a bar, the class median as a line and the
teacher's target (a share of the lesson spent in MVPA) as another, with who met it. Then the
pupils, twelve to a page: each one's heart-rate curve over the lesson on the colours of their own
intensity bands (ACSM bands by heart-rate reserve, Garber 2011, from the HRmax and HRrest their
bands used), with MVPA minutes, peak and coverage (the share of the lesson with a current
reading) in the panel's title. The curve breaks where there was no reading for more than
:data:`GAP_S` seconds, so a quiet strap shows as a gap, not as a line across it.
"""

from __future__ import annotations

import math
import statistics
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from game.engine.freshness import HR_FRESH_S
from game.i18n import tr
from game.render.palette import ZONE_COLOURS, band_name
from sensors.motion.heart_zones import Intensity

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: A pause between readings longer than this breaks the curve (the board's freshness limit).
GAP_S = HR_FRESH_S
PER_PAGE = 12
#: Lower bounds of the bands as fractions of heart-rate reserve (sensors.motion.heart_zones).
BAND_FLOORS = ((Intensity.VERY_LIGHT, 0.0), (Intensity.LIGHT, 0.30), (Intensity.MODERATE, 0.40),
               (Intensity.VIGOROUS, 0.60), (Intensity.NEAR_MAXIMAL, 0.90))  # fmt: skip


@dataclass
class PupilCurve:
    alias: str
    mvpa_min: float
    peak_bpm: int | None
    coverage: float
    hr_rest_bpm: float
    hr_max_bpm: float
    t_min: list[float] = field(default_factory=list)  # minutes since the lesson's first reading
    bpm: list[int] = field(default_factory=list)


def _rgb(colour: tuple[int, ...]) -> tuple[float, float, float]:
    return colour[0] / 255, colour[1] / 255, colour[2] / 255


def target_min(lesson_min: float, target_share: float) -> float:
    """The target in minutes as the report shows it: a tenth of a minute, rounded up, so that no
    pupil below the share is shown as having met it."""
    return math.ceil(round(10 * target_share * lesson_min, 6)) / 10


def met_target(pupil: PupilCurve, lesson_min: float, target_share: float) -> bool:
    """Whether the pupil's MVPA minutes, to the tenth shown, reach :func:`target_min`: the
    pictures then never show "0.8 min" against a target of "0.8 min" as missed."""
    return lesson_min > 0 and round(pupil.mvpa_min, 1) >= target_min(lesson_min, target_share)


def _class_page(pupils: Sequence[PupilCurve], title: str, lesson_min: float, target_share: float) -> Figure:
    import matplotlib.pyplot as mpl

    fig, ax = mpl.subplots(figsize=(11.69, 8.27))  # A4 landscape, inches
    order = sorted(pupils, key=lambda p: p.mvpa_min, reverse=True)
    target = target_min(lesson_min, target_share)
    met_colour, below_colour = _rgb(ZONE_COLOURS[Intensity.MODERATE]), (0.6, 0.6, 0.6)
    colours = [met_colour if met_target(p, lesson_min, target_share) else below_colour for p in order]
    bars = ax.bar([p.alias for p in order], [p.mvpa_min for p in order], color=colours)
    # each bar says its minutes, so no one reads them off the axis
    ax.bar_label(bars, labels=[f"{p.mvpa_min:.1f}" for p in order], fontsize=9 if len(order) <= 24 else 7, padding=2)
    median = statistics.median([p.mvpa_min for p in pupils]) if pupils else 0.0
    ax.axhline(median, color="black", linestyle="--", linewidth=1.5, label=tr("class.report.median", minutes=f"{median:.1f}"))
    ax.axhline(
        target,
        color=_rgb(ZONE_COLOURS[Intensity.NEAR_MAXIMAL]),
        linewidth=2,
        label=tr("class.report.target", share=f"{100 * target_share:.0f}", minutes=f"{target:.1f}"),
    )
    met = sum(1 for p in pupils if met_target(p, lesson_min, target_share))
    ax.set_title(f"{title}\n{tr('class.report.met', met=met, pupils=len(pupils))}", fontsize=14)
    ax.set_ylabel(tr("class.report.mvpa_axis"))
    ax.set_xlabel(tr("class.report.pupils_axis"))
    ax.tick_params(axis="x", labelrotation=60 if len(order) > 12 else 0)
    ax.set_ylim(0, 1.15 * max([target, *(p.mvpa_min for p in pupils)]) or 1.0)  # room for the labels
    from matplotlib.patches import Patch

    handles, _ = ax.get_legend_handles_labels()
    handles += [
        Patch(color=met_colour, label=tr("class.report.met_bar")),
        Patch(color=below_colour, label=tr("class.report.below_bar")),
    ]
    ax.legend(handles=handles, loc="upper right", framealpha=0.95)
    fig.tight_layout()
    return fig


def _pupil_page(pupils: Sequence[PupilCurve], title: str, lesson_min: float, target_share: float) -> Figure:
    import matplotlib.pyplot as mpl

    cols = 3
    rows = max(1, math.ceil(len(pupils) / cols))
    fig, axes = mpl.subplots(rows, cols, figsize=(11.69, 8.27), squeeze=False)
    for ax in axes.flat[len(pupils) :]:
        ax.axis("off")
    for ax, p in zip(axes.flat, pupils, strict=False):
        reserve = p.hr_max_bpm - p.hr_rest_bpm
        floors = [(band, p.hr_rest_bpm + f * reserve) for band, f in BAND_FLOORS]
        top = max([p.hr_max_bpm + 10, *(b + 5 for b in p.bpm)])
        bottom = min([p.hr_rest_bpm - 10, *(b - 5 for b in p.bpm)])
        for i, (band, lo) in enumerate(floors):
            hi = floors[i + 1][1] if i + 1 < len(floors) else top
            ax.axhspan(max(lo, bottom) if i else bottom, hi, color=_rgb(ZONE_COLOURS[band]), alpha=0.35, linewidth=0)
        xs: list[float] = []
        ys: list[float] = []
        for j, (t, b) in enumerate(zip(p.t_min, p.bpm, strict=True)):
            if j and (t - p.t_min[j - 1]) * 60 > GAP_S:
                xs.append(math.nan)  # no reading here: a gap in the curve
                ys.append(math.nan)
            xs.append(t)
            ys.append(b)
        ax.plot(xs, ys, color="black", linewidth=1)
        ax.set_ylim(bottom, top)
        ax.set_xlim(0, max(lesson_min, 0.1))
        mark = " *" if met_target(p, lesson_min, target_share) else ""
        ax.set_title(
            tr(
                "class.report.pupil",
                alias=p.alias,
                mvpa=f"{round(p.mvpa_min, 1):.1f}",
                peak=p.peak_bpm if p.peak_bpm is not None else "-",
                coverage=f"{100 * p.coverage:.0f}",
            )
            + mark,
            fontsize=9,
        )
        ax.tick_params(labelsize=7)
    legend = textwrap.fill(tr("class.report.legend", share=f"{100 * target_share:.0f}"), 125)  # fits A4 at 10 pt
    fig.suptitle(f"{title}\n{legend}", fontsize=10)
    fig.supxlabel(tr("class.report.time_axis"), fontsize=9)
    fig.supylabel(tr("class.report.hr_axis"), fontsize=9)
    # the bands' colours with their names: colour is never the only cue
    from matplotlib.patches import Patch

    fig.legend(
        handles=[Patch(color=_rgb(ZONE_COLOURS[b]), alpha=0.6, label=band_name(b)) for b, _ in BAND_FLOORS],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.915),
        ncol=len(BAND_FLOORS),
        fontsize=8,
        frameon=False,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.88))
    return fig


def render(
    pupils: Sequence[PupilCurve], title: str, lesson_min: float, target_share: float, out: Path, stem: str, fmt: str
) -> list[Path]:
    """Write the report under ``out``: ``stem.pdf`` (all pages), or ``stem-1.png``, ``stem-2.png``
    ... (one per page). Returns the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as mpl

    pages = [_class_page(pupils, title, lesson_min, target_share)]
    for i in range(0, len(pupils), PER_PAGE):
        pages.append(_pupil_page(pupils[i : i + PER_PAGE], title, lesson_min, target_share))
    written = []
    try:
        if fmt == "pdf":
            from matplotlib.backends.backend_pdf import PdfPages

            target = out / f"{stem}.pdf"
            with PdfPages(target) as pdf:
                for fig in pages:
                    pdf.savefig(fig)
            written.append(target)
        else:
            for n, fig in enumerate(pages, start=1):
                target = out / f"{stem}-{n}.png"
                fig.savefig(target, dpi=110)
                written.append(target)
    finally:
        for fig in pages:
            mpl.close(fig)
    return written
