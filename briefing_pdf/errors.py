"""The one error type of briefing-pdf.

Every stage (loading, validation, fonts, layout, writing) reports problems as
:class:`Problem` records collected in a :class:`BriefingError`. Only the CLI
prints them, one line each, in the compiler-style form editors and CI
annotators understand: ``file:line:col: field.path: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with where it is."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str = ""
    #: "error" stops the build; "warning" is printed and the build goes on
    #: (``--strict`` makes warnings stop it too).
    severity: str = "error"

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line is not None:
                where += f":{self.line}:{self.column or 1}"
            where += ": "
        field_path = f"{self.path}: " if self.path else ""
        level = "warning: " if self.severity == "warning" else ""
        return one_line(f"{where}{level}{field_path}{self.message}")


def one_line(text: str) -> str:
    """Control characters (newlines from keys or values) escaped: a problem is always one line."""
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)


@dataclass
class BriefingError(Exception):
    """One or more problems that stop a build.

    ``kind`` is ``"content"`` for problems in the user's files (exit code 1)
    and ``"usage"`` for wrong invocations (exit code 2).
    """

    problems: list[Problem] = field(default_factory=list)
    kind: str = "content"
    #: The parsed (unvalidated) document, when the problems are schema
    #: problems: lets callers still check what the document refers to.
    data: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def single(cls, message: str, *, file: str | None = None, line: int | None = None,
               column: int | None = None, path: str = "", kind: str = "content") -> "BriefingError":
        return cls([Problem(message, file, line, column, path)], kind=kind)
