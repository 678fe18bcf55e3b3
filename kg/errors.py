"""Library exceptions; the CLI turns each into one `Error: …` line on stderr."""


class KgError(Exception):
    """Base class: a problem a user can fix, with a message that says what and where."""

    exit_code = 1


class InputError(KgError):
    """An input file (or one line of it) could not be read as an article."""

    def __init__(self, source: str, reason: str, line: int | None = None):
        self.source, self.reason, self.line = source, reason, line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {reason}")

    def __reduce__(self):  # records cross process boundaries with --workers
        return InputError, (self.source, self.reason, self.line)


class StoreError(KgError):
    """The store cannot be opened, read or written."""


class NotFound(KgError):
    """A queried name or id matches nothing."""


class Ambiguous(KgError):
    """A queried name or id matches several entities; the candidates are listed."""

    exit_code = 2

    def __init__(self, query: str, candidates: list[dict]):
        self.query, self.candidates = query, candidates
        super().__init__(f"{query!r} is ambiguous: {len(candidates)} candidates")
