"""Every rule, one module per family; importing this package registers them all."""
from . import accepted, benchmarks, budget, crosstable, formulas, plausibility, rates, schedule, structure  # noqa: F401
from . import tables, values  # noqa: F401
