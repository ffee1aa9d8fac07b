# charts.py: the summary's four charts, over the values its sheets hold.
"""Goal achievement (bars coloured met / missed), budget split (doughnut), daily conversions
by channel (stacked columns) and the channel funnel (impressions → clicks → conversions on a
log scale, so a 1,000,000 and a 10,000 both read). Series names point at header cells, so a
channel named ``=1+1`` is a cell's text, never a formula or a literal in the chart XML.
"""
from __future__ import annotations

from .look import PALETTE

GOOD, BAD, NEUTRAL = "#70AD47", "#C00000", "#A5A5A5"
AXIS_FONT = {"size": 9, "color": "#404040"}
GRIDLINES = {"visible": True, "line": {"color": "#D9D9D9"}}


# Public API.

def goal_chart(workbook, sheet: str, first: int, last: int, cat_col: int, val_col: int,
               statuses: list[str], title: str, font: str):
    chart = workbook.add_chart({"type": "bar"})
    colours = {"met": GOOD, "missed": BAD, "pending": NEUTRAL}
    chart.add_series({
        "categories": [sheet, first, cat_col, last, cat_col],
        "values": [sheet, first, val_col, last, val_col],
        "points": [{"fill": {"color": colours[s]}, "border": {"none": True}} for s in statuses],
        "data_labels": {"value": True, "num_format": "0%", "font": {"size": 9, "name": font}},
        "gap": 60,
    })
    chart.set_x_axis({"num_format": "0%", "min": 0, "major_gridlines": GRIDLINES, "num_font": AXIS_FONT,
                      "line": {"none": True}})
    # Categories top-down in table order, the value axis still along the bottom.
    chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": {**AXIS_FONT, "name": font}})
    chart.set_legend({"none": True})
    _title(chart, title, font)
    return chart


def budget_chart(workbook, sheet: str, first: int, last: int, cat_col: int, val_col: int, title: str, font: str):
    chart = workbook.add_chart({"type": "doughnut"})
    n = last - first + 1
    chart.add_series({
        "categories": [sheet, first, cat_col, last, cat_col],
        "values": [sheet, first, val_col, last, val_col],
        "points": [{"fill": {"color": PALETTE[i % len(PALETTE)]}, "border": {"color": "#FFFFFF"}} for i in range(n)],
        "data_labels": {"percentage": True, "font": {"size": 9, "name": font, "color": "#FFFFFF", "bold": True}},
    })
    chart.set_hole_size(50)
    chart.set_legend({"position": "right", "font": {"size": 9, "name": font}})
    _title(chart, title, font)
    return chart


def daily_chart(workbook, sheet: str, first: int, last: int, date_col: int, header_row: int,
                columns: list[int], title: str, font: str):
    chart = workbook.add_chart({"type": "column", "subtype": "stacked"})
    _column_series(chart, sheet, first, last, date_col, header_row, columns, gap=40)
    chart.set_x_axis({"num_format": "m/d", "date_axis": False, "num_font": {**AXIS_FONT, "rotation": -45}})
    chart.set_y_axis({"num_format": "#,##0", "min": 0, "major_gridlines": GRIDLINES, "num_font": AXIS_FONT,
                      "line": {"none": True}})
    chart.set_legend({"position": "bottom", "font": {"size": 9, "name": font}})
    _title(chart, title, font)
    return chart


def funnel_chart(workbook, sheet: str, first: int, last: int, cat_col: int, header_row: int,
                 columns: list[int], title: str, font: str):
    chart = workbook.add_chart({"type": "column"})
    _column_series(chart, sheet, first, last, cat_col, header_row, columns, gap=80)
    chart.set_y_axis({"log_base": 10, "num_format": "#,##0", "min": 1, "major_gridlines": GRIDLINES,
                      "num_font": AXIS_FONT, "line": {"none": True}})
    chart.set_x_axis({"num_font": {**AXIS_FONT, "name": font}})
    chart.set_legend({"position": "bottom", "font": {"size": 9, "name": font}})
    _title(chart, title, font)
    return chart


# Private API.

def _title(chart, title: str, font: str) -> None:
    chart.set_title({"name": title, "name_font": {"size": 11, "bold": True, "name": font, "color": "#1F3864"}})
    chart.set_chartarea({"border": {"color": "#D9D9D9"}})
    chart.set_plotarea({"border": {"none": True}})


def _column_series(chart, sheet: str, first: int, last: int, cat_col: int, header_row: int, columns: list[int],
                   gap: int) -> None:
    """One series per column of rows first..last, named by its header, in the palette's order."""
    for i, col in enumerate(columns):
        chart.add_series({
            "name": [sheet, header_row, col],
            "categories": [sheet, first, cat_col, last, cat_col],
            "values": [sheet, first, col, last, col],
            "fill": {"color": PALETTE[i % len(PALETTE)]},
            "border": {"none": True},
            "gap": gap,
        })
