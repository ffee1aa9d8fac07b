"""Every rule, one module per family; importing this package registers them all."""
from . import accepted, benchmarks, budget, crosstable, formulas, plausibility, schedule, structure, tables, values  # noqa: F401
