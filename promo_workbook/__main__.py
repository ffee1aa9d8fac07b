"""`python -m promo_workbook` runs the command line."""
from .cli import main

main()
