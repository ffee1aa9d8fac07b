# reader: read completed planning workbooks back into typed data.
"""``read(path) -> Plan``: every template's rows with normalised values, raw text and cells.

    from promo_workbook.reader import read
    plan = read("plan.xlsx")
    plan.table("budget").to_frame()          # pandas
    plan.to_dict()                           # JSON-ready
    for row in plan.table(12).rows:
        row["ctr"].value, row["ctr"].status, row["ctr"].ref, row["ctr"].formula

Modules: package (the zip, its parts, styles), producer (who saved it), scan (formula
text out of sheet XML), fold (text folding), identify (metadata and header matching),
rules (the seed's layout as data), build (rows and cells), model (Plan and friends),
frame (pandas), read (the entry point).
"""
from .model import Cell, ColumnInfo, MissingColumn, Plan, Row, TableData
from .producer import Producer
from .pipeline import read

__all__ = ["Cell", "ColumnInfo", "MissingColumn", "Plan", "Producer", "Row", "TableData", "read"]
