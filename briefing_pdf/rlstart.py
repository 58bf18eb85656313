"""Import ReportLab's paragraph module without compiling its URI regex up front.

``reportlab.platypus.paragraph`` compiles ``uri_pat`` (a case-insensitive
pattern over the whole BMP, derived from Django's URL validator) at import,
which takes 20-35 ms of every one-shot build; it is only used to split long
URIs at slashes, which our paragraphs never ask it to do. While that module
is imported, ``re.compile`` hands out a :class:`LazyPattern` for this one
pattern (recognised by its opening) and compiles everything else as usual;
the original ``re.compile`` is restored straight after. The lazy pattern
compiles itself with the same pattern and flags on first use, so behaviour
is unchanged if ReportLab does use it.

Modules that import ``reportlab.platypus`` import this module first.
"""

from __future__ import annotations

import re
import sys
import threading

_URI_OPENING = "(^(?:[a-z0-9\\.\\-\\+]*)://)"


class LazyPattern:
    """Stands in for a compiled pattern; compiles it on first attribute access."""

    __slots__ = ("_args", "_compiled", "_lock")

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)
        self._compiled = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        compiled = self._compiled
        if compiled is None:
            with self._lock:
                if self._compiled is None:
                    self._compiled = re.compile(*self._args)
                compiled = self._compiled
        return getattr(compiled, name)


def _import_paragraph() -> None:
    real = re.compile

    def compile_lazily(pattern, flags=0):
        if isinstance(pattern, str) and pattern.startswith(_URI_OPENING):
            return LazyPattern(pattern, flags)
        return real(pattern, flags)

    re.compile = compile_lazily
    try:
        import reportlab.platypus.paragraph  # noqa: F401
    finally:
        re.compile = real


if "reportlab.platypus.paragraph" not in sys.modules:
    _import_paragraph()
