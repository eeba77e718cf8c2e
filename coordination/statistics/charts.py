"""Horizontal bar charts drawn on the server as SVG (`Chart.bars_svg`, placed by
templates/coordination/_bar_chart.html).

One row per bar, its label above it and its total after it, so a chart reads from top to
bottom on a 320 px phone as on a desktop. The viewBox is narrow on purpose: the text stays
readable when the chart is shrunk to a phone's width.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 360
# Room on the right of the longest bar for its total.
VALUE_ROOM = 56
ROW_HEIGHT = 36
BAR_TOP = 17
BAR_HEIGHT = 14


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    css: str


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    css: str


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    y: int
    segments: tuple[Segment, ...]

    @property
    def text_y(self) -> int:
        return self.y + 13

    @property
    def bar_y(self) -> int:
        return self.y + BAR_TOP

    @property
    def value_x(self) -> float:
        end = max((segment.x + segment.width for segment in self.segments), default=0)
        return end + 6

    @property
    def value_y(self) -> int:
        return self.y + BAR_TOP + BAR_HEIGHT - 3

    def svg(self) -> str:
        # Only the label is text from the database; the rest are numbers and our classes.
        rects = "".join(
            f'<rect x="{s.x}" y="{self.bar_y}" width="{s.width}" height="{BAR_HEIGHT}" '
            f'class="{s.css}"/>'
            for s in self.segments
        )
        return (
            f'<text x="0" y="{self.text_y}" class="chart-label">{escape(self.label)}</text>'
            f'{rects}<text x="{self.value_x}" y="{self.value_y}" class="chart-value">'
            f"{int(self.total)}</text>"
        )


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    series: tuple[Series, ...]
    bars: tuple[Bar, ...]

    width: int = WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW_HEIGHT

    @property
    def show_legend(self) -> bool:
        return len(self.series) > 1

    def bars_svg(self) -> SafeString:
        """The bars as SVG elements, escaped: built here, not in a template loop, because a
        template rendering a hundred bars took longer than all the statistics' queries."""
        return mark_safe("".join(bar.svg() for bar in self.bars))  # labels escaped in Bar.svg


def bar_chart(
    *, slug: str, title: str, description: str, series: list[Series], rows: list[tuple[str, dict]]
) -> Chart:
    """A chart of `rows` (label, {series key: value}), the series stacked in each bar."""
    largest = max((sum(values.get(s.key, 0) for s in series) for _label, values in rows), default=0)
    scale = (WIDTH - VALUE_ROOM) / largest if largest else 0
    bars = []
    for index, (label, values) in enumerate(rows):
        x, segments = 0.0, []
        for one in series:
            width = values.get(one.key, 0) * scale
            if width:
                segments.append(Segment(round(x, 1), round(width, 1), one.css))
                x += width
        total = sum(values.get(s.key, 0) for s in series)
        bars.append(Bar(label, total, index * ROW_HEIGHT, tuple(segments)))
    return Chart(slug, title, description, tuple(series), tuple(bars))


def statistics_charts(report) -> dict[str, Chart]:
    """The charts of the statistics page, from a `Report`: appointments per month and per
    office by outcome, the topics asked for, and walk-in visits per month."""
    from django.utils.translation import gettext as _

    outcomes = [
        Series("attended", _("wahrgenommen"), "chart-attended"),
        Series("no_show", _("nicht erschienen"), "chart-no-show"),
        Series("cancelled", _("abgesagt"), "chart-cancelled"),
        Series("open", _("noch offen"), "chart-open"),
    ]

    def by_outcome(counts: dict) -> dict:
        settled = counts["attended"] + counts["no_show"] + counts["cancelled"]
        return {**counts, "open": counts["booked"] - settled}

    months = report.months
    charts = [
        bar_chart(
            slug="appointments_months",
            title=_("Termine je Monat"),
            description=_("Gebuchte Termine je Monat, aufgeteilt nach Ausgang."),
            series=outcomes,
            rows=[(row["label"], by_outcome(row["appointments"])) for row in months],
        )
    ]
    offices = report.offices
    if len(offices) > 1:
        charts.append(
            bar_chart(
                slug="appointments_offices",
                title=_("Termine je Büro"),
                description=_("Gebuchte Termine im Zeitraum je Büro, aufgeteilt nach Ausgang."),
                series=outcomes,
                rows=[(row["label"], by_outcome(row["appointments"])) for row in offices],
            )
        )
    charts.append(
        bar_chart(
            slug="topics",
            title=_("Gefragte Themen"),
            description=_("Termine, Besuche ohne Termin und Workshop-Anmeldungen je Thema."),
            series=[Series("total", _("Anfragen"), "chart-open")],
            rows=[(row["label"], row) for row in report.topics],
        )
    )
    charts.append(
        bar_chart(
            slug="walk_ins",
            title=_("Besuche ohne Termin je Monat"),
            description=_("Besuche in der Sprechstunde ohne Termin, je Monat."),
            series=[Series("visits", _("Besuche"), "chart-attended")],
            rows=[(row["label"], row["walk_ins"]) for row in months],
        )
    )
    return {chart.slug: chart for chart in charts}
