"""Geometry of the analytics charts, drawn by templates as inline SVG (no chart library, no
CDN). Each chart carries the same numbers as the table shown beside it for screen readers and
for anyone who prefers a table."""

from collections.abc import Sequence
from dataclasses import dataclass

# Histogram of attempt totals: ten bins of 10 percentage points, the last including 100 %.
HISTOGRAM_BINS = 10
CHART_WIDTH = 640
CHART_HEIGHT = 320
# Room for axis labels around the plot area.
MARGIN_LEFT = 56
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 48
# Scatter: facility 0-100 across, discrimination index -100..100 up.
DISCRIMINATION_MIN = -100.0
DISCRIMINATION_MAX = 100.0
# Heatmap cells and the mastery bands their colours stand for (lower bounds, %).
HEATMAP_CELL_WIDTH = 72
HEATMAP_CELL_HEIGHT = 28
HEATMAP_LABEL_WIDTH = 200
MASTERY_BANDS = (0, 40, 60, 80)


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    label: str

    @property
    def center(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Histogram:
    width: int
    height: int
    plot_left: int
    plot_bottom: int
    plot_right: int
    plot_top: int
    bars: list[Bar]
    pass_x: float
    pass_percent: float
    x_ticks: list[Tick]
    y_ticks: list[Tick]


def _plot_x(percent: float) -> float:
    return MARGIN_LEFT + (CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT) * percent / 100


def _plot_height() -> int:
    return CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM


def histogram_bin_counts(percents: Sequence[float]) -> list[int]:
    counts = [0] * HISTOGRAM_BINS
    for percent in percents:
        index = min(HISTOGRAM_BINS - 1, max(0, int(percent // (100 / HISTOGRAM_BINS))))
        counts[index] += 1
    return counts


def histogram_bin_label(index: int) -> str:
    width = 100 // HISTOGRAM_BINS
    low, high = index * width, (index + 1) * width
    if index == HISTOGRAM_BINS - 1:
        return f"{low} to {high} %"
    return f"{low} to under {high} %"


def histogram(*, percents: Sequence[float], pass_percent: float) -> Histogram:
    counts = histogram_bin_counts(percents)
    tallest = max(counts, default=0) or 1
    bin_width = (CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / HISTOGRAM_BINS
    bottom = CHART_HEIGHT - MARGIN_BOTTOM
    bars = []
    for index, count in enumerate(counts):
        height = _plot_height() * count / tallest
        bars.append(
            Bar(
                x=MARGIN_LEFT + index * bin_width + 1,
                y=bottom - height,
                width=bin_width - 2,
                height=height,
                count=count,
                label=histogram_bin_label(index),
            )
        )
    step = max(1, -(-tallest // 4))
    return Histogram(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        plot_left=MARGIN_LEFT,
        plot_bottom=bottom,
        plot_right=CHART_WIDTH - MARGIN_RIGHT,
        plot_top=MARGIN_TOP,
        bars=bars,
        pass_x=_plot_x(pass_percent),
        pass_percent=pass_percent,
        x_ticks=[Tick(_plot_x(p), f"{p}") for p in range(0, 101, 100 // HISTOGRAM_BINS)],
        y_ticks=[
            Tick(bottom - _plot_height() * value / tallest, str(value))
            for value in range(0, tallest + 1, step)
        ],
    )


@dataclass(frozen=True)
class ScatterPoint:
    x: float
    y: float
    name: str
    facility: float
    discrimination: float
    flagged: bool
    url: str

    # Flagged items are squares of this side, centred on the point.
    square = 12

    @property
    def square_x(self) -> float:
        return self.x - self.square / 2

    @property
    def square_y(self) -> float:
        return self.y - self.square / 2


@dataclass(frozen=True)
class Scatter:
    width: int
    height: int
    plot_left: int
    plot_bottom: int
    plot_right: int
    plot_top: int
    zero_y: float
    points: list[ScatterPoint]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    # Guides at the facility flags' limits.
    guide_xs: list[float]


@dataclass(frozen=True)
class ScatterInput:
    name: str
    facility: float
    discrimination: float
    flagged: bool
    url: str


def _plot_y(discrimination: float) -> float:
    share = (discrimination - DISCRIMINATION_MIN) / (DISCRIMINATION_MAX - DISCRIMINATION_MIN)
    return CHART_HEIGHT - MARGIN_BOTTOM - _plot_height() * share


def scatter(*, items: Sequence[ScatterInput], guides: Sequence[float]) -> Scatter:
    """Items with both a facility and a discrimination index (others have no place on it)."""
    return Scatter(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        plot_left=MARGIN_LEFT,
        plot_bottom=CHART_HEIGHT - MARGIN_BOTTOM,
        plot_right=CHART_WIDTH - MARGIN_RIGHT,
        plot_top=MARGIN_TOP,
        zero_y=_plot_y(0),
        points=[
            ScatterPoint(
                x=_plot_x(item.facility),
                y=_plot_y(item.discrimination),
                name=item.name,
                facility=item.facility,
                discrimination=item.discrimination,
                flagged=item.flagged,
                url=item.url,
            )
            for item in items
        ],
        x_ticks=[Tick(_plot_x(p), str(p)) for p in range(0, 101, 20)],
        y_ticks=[Tick(_plot_y(d), str(d)) for d in range(-100, 101, 50)],
        guide_xs=[_plot_x(guide) for guide in guides],
    )


def mastery_band(percent: int | None) -> int:
    """0 for no evidence, else 1 + the index of the band the percent falls in."""
    if percent is None:
        return 0
    return 1 + max(index for index, low in enumerate(MASTERY_BANDS) if percent >= low)


@dataclass(frozen=True)
class HeatCell:
    x: int
    y: int
    percent: int | None
    band: int
    section: str
    learner: str

    @property
    def text_x(self) -> float:
        return self.x + HEATMAP_CELL_WIDTH / 2

    @property
    def text_y(self) -> float:
        return self.y + HEATMAP_CELL_HEIGHT / 2


@dataclass(frozen=True)
class Heatmap:
    width: int
    height: int
    cell_width: int
    cell_height: int
    label_width: int
    columns: list[Tick]
    rows: list[Tick]
    cells: list[HeatCell]


def heatmap(
    *, learners: Sequence[str], sections: Sequence[str], percents: Sequence[Sequence[int | None]]
) -> Heatmap:
    """`percents[row][column]`: learner `row`'s mastery of section `column`, None unseen."""
    top = HEATMAP_CELL_HEIGHT
    cells = [
        HeatCell(
            x=HEATMAP_LABEL_WIDTH + column * HEATMAP_CELL_WIDTH,
            y=top + row * HEATMAP_CELL_HEIGHT,
            percent=percent,
            band=mastery_band(percent),
            section=sections[column],
            learner=learners[row],
        )
        for row, line in enumerate(percents)
        for column, percent in enumerate(line)
    ]
    return Heatmap(
        width=HEATMAP_LABEL_WIDTH + HEATMAP_CELL_WIDTH * len(sections),
        height=top + HEATMAP_CELL_HEIGHT * len(learners),
        cell_width=HEATMAP_CELL_WIDTH,
        cell_height=HEATMAP_CELL_HEIGHT,
        label_width=HEATMAP_LABEL_WIDTH,
        columns=[
            Tick(HEATMAP_LABEL_WIDTH + (column + 0.5) * HEATMAP_CELL_WIDTH, f"S{column + 1}")
            for column in range(len(sections))
        ],
        rows=[
            Tick(top + (row + 0.5) * HEATMAP_CELL_HEIGHT, learner)
            for row, learner in enumerate(learners)
        ],
        cells=cells,
    )
