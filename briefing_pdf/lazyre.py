"""Compile a dependency's import-time regular expressions on first use instead.

Some libraries compile, while being imported, patterns over most of Unicode
that take milliseconds each and that a build never uses (ReportLab's URI
splitter, PyYAML's pure-Python reader check). While such a module is
imported inside :func:`compiling_lazily`, ``re.compile`` hands out a
:class:`LazyPattern` for the named patterns (or for every pattern a named
module compiles) and compiles everything else as usual; the original
``re.compile`` is restored straight after. A lazy pattern compiles itself
with the same pattern and flags on first use, so behaviour is unchanged if
the library does use it. (It is used through its attributes, ``p.search(…)``;
a library that passed its patterns to ``re.search(p, …)`` or tested
``isinstance(p, re.Pattern)`` could not be treated this way.)
"""

from __future__ import annotations

import re
import sys
import threading
from contextlib import contextmanager
from typing import Callable, Iterator

#: The real ``re.compile``: a lazy pattern used while a block is still open
#: must not get another lazy pattern from the stand-in.
_compile = re.compile


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
                    self._compiled = _compile(*self._args)
                compiled = self._compiled
        return getattr(compiled, name)


@contextmanager
def compiling_lazily(is_lazy: Callable[[str], bool], callers: tuple[str, ...] = ()) -> Iterator[None]:
    """Within the block, ``re.compile`` of a str pattern is deferred when
    ``is_lazy`` holds for it or when the module calling ``re.compile`` is named
    with one of the prefixes ``callers`` (``("markdown_it.",)``)."""
    real = re.compile

    def compile_lazily(pattern, flags=0):
        if isinstance(pattern, str) and (
                is_lazy(pattern) or (callers and sys._getframe(1).f_globals.get("__name__", "").startswith(callers))):
            return LazyPattern(pattern, flags)
        return real(pattern, flags)

    re.compile = compile_lazily
    try:
        yield
    finally:
        re.compile = real
