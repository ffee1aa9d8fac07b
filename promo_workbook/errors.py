"""The exceptions promo-workbook raises.

    PromoWorkbookError            anything the tool reports to a user (exit code 2)
    ├── SpecError                 a template file under templates/ is malformed
    ├── UsageError                the command was misused (bad option value, output = input)
    ├── InputFileError            the user's file cannot be read (missing, corrupt, too big)
    └── OutputFileError           an output cannot be written (disk full, permission denied)

The library raises these and never prints or exits; only ``cli.py`` turns them into a
one-line message and an exit code, which lives on the exception (as click does it).
"""


class PromoWorkbookError(Exception):
    """Base class: a problem the user can act on, rendered as one line."""

    exit_code = 2


class SpecError(PromoWorkbookError):
    """A template spec file is invalid; the message names the file and the path inside it."""

    def __init__(self, file, path, problem):
        self.file, self.path, self.problem = file, path, problem
        where = f"{file}: {path}" if path else str(file)
        super().__init__(f"{where}: {problem}")


class UsageError(PromoWorkbookError):
    """The command or API was called with values that cannot work."""


class InputFileError(PromoWorkbookError):
    """The input workbook cannot be read; the message names the file and the problem."""

    def __init__(self, path, problem):
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


class OutputFileError(PromoWorkbookError):
    """An output cannot be written; the message names the output (never a temporary name)."""

    def __init__(self, path, problem):
        self.path, self.problem = path, problem
        super().__init__(f"{path}: cannot write: {problem}")
