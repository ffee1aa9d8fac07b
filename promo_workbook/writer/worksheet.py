# worksheet.py: an xlsxwriter Worksheet that writes our plain formulas without rewriting them.
"""xlsxwriter prefixes newer Excel functions (FILTER -> _xlfn._xlws.FILTER) by running about
thirty regular-expression substitutions over every formula written: 120 µs a formula, most of
the time `new --rows 20000` takes. The template's formulas use only functions Excel, WPS and
LibreOffice share, none of which need a prefix, so one search for any of those names decides:
a formula that names none is passed on as it is; one that names any goes the usual way.
"""
from __future__ import annotations

import re

from xlsxwriter.worksheet import Worksheet

__all__ = ["PlainFormulaWorksheet"]

# The functions xlsxwriter's _prepare_formula prefixes unconditionally (xlsxwriter 3.x; its
# substitutions are case-sensitive, and its SINGLE pattern reads "\SINGLE\(", so any "INGLE(");
# the "future functions" list is only used with use_future_functions, which we never set.
# Without word boundaries this matches a superset: such formulas simply take the usual way.
_PREFIXED = re.compile(
    r"(?:ANCHORARRAY|BYCOL|BYROW|CHOOSECOLS|CHOOSEROWS|DROP|EXPAND|FILTER|HSTACK|LAMBDA|MAKEARRAY|MAP|"
    r"RANDARRAY|REDUCE|SCAN|INGLE|SEQUENCE|SORT|SORTBY|SWITCH|TAKE|TEXTSPLIT|TOCOL|TOROW|UNIQUE|VSTACK|"
    r"WRAPCOLS|WRAPROWS|XLOOKUP)\(")


class PlainFormulaWorksheet(Worksheet):
    def _prepare_formula(self, formula, expand_future_functions=False):
        if self.use_future_functions or expand_future_functions or _PREFIXED.search(formula):
            return super()._prepare_formula(formula, expand_future_functions)
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula
