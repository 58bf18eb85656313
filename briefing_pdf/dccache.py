"""Compiled start-up code kept between runs: dataclass methods, forward references.

Why: ``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``
and so on as source text and compiles it, in every process that defines the
class. A one-shot build defines ~76 dataclasses (pydantic's, markdown-it's
and ours) at import time: ~300 compilations, ~15 ms of a ~300 ms build. The
text is the same from run to run, so the command line keeps the compiled code
objects in the cache folder (:mod:`briefing_pdf.cache`), keyed by the very
text, and the next run executes them instead of compiling the text again.
The same goes for ``typing.ForwardRef``, which compiles each annotation
given as a string: pydantic-core's ~200 typed dictionaries make ~850 of
them, ~4 ms.

Only the compiling is skipped: the code object of a text is what compiling
that text gives (same file name ``<string>``, no inherited ``__future__``
flags, as in ``dataclasses``), and it runs in the globals and locals the
dataclass machinery passes, so every class is built exactly as before. It
hooks the one ``exec`` call of ``dataclasses._create_fn`` and the one
``compile`` call of ``typing.ForwardRef`` by giving each module a global of
that name (names resolve to module globals before builtins), and only on
the Python versions whose modules are known to make just those calls (3.11;
3.13 rewrote dataclasses); elsewhere it does nothing. The file is
keyed by the Python build and bytecode magic, a corrupt one is ignored, and
``BRIEFING_PDF_NO_CACHE`` turns it off with the other caches.
"""

from __future__ import annotations

import builtins
import marshal
import sys
from pathlib import Path
from types import CodeType
from typing import Dict, Optional

#: Code objects kept at most (a build makes ~1200; older texts go first).
CAPACITY = 4000
_VERSIONS = ((3, 11),)
#: Bump when the file's layout changes.
FORMAT = 2

#: Keyed by the text for dataclass methods, by ``"eval\0" + text`` for forward references.
_code: Dict[str, CodeType] = {}
_used: Dict[str, CodeType] = {}
_path: Optional[Path] = None
_loaded = 0


def _exec(source, globals=None, locals=None):
    """``exec`` as ``dataclasses._create_fn`` calls it, compiling each text once."""
    if type(source) is not str:
        return builtins.exec(source, globals, locals)
    code = _code.get(source)
    if code is None:
        # flags=0, dont_inherit: as compiled in dataclasses, which has no __future__ imports
        code = _code[source] = compile(source, "<string>", "exec", 0, True)
    _used[source] = code
    if globals is None:  # exec's default: the caller's globals, i.e. the dataclasses module's
        import dataclasses

        globals = vars(dataclasses)
    return builtins.exec(code, globals, locals)


def _compile(source, filename, mode, flags=0, dont_inherit=False, optimize=-1):
    """``compile`` as ``typing.ForwardRef`` calls it, once per annotation text."""
    if type(source) is not str or (filename, mode, flags, optimize) != ("<string>", "eval", 0, -1):
        return compile(source, filename, mode, flags, True, optimize)  # typing has no __future__ imports
    key = "eval\0" + source
    code = _code.get(key)
    if code is None:
        code = _code[key] = compile(source, filename, mode, 0, True)
    _used[key] = code
    return code


def install() -> bool:
    """Hook ``dataclasses`` and load the kept code (once per process); whether it is on."""
    global _path, _loaded
    import dataclasses
    import typing

    if getattr(dataclasses, "exec", None) is _exec:
        return True
    if sys.version_info[:2] not in _VERSIONS or not hasattr(dataclasses, "_create_fn") \
            or not hasattr(typing, "ForwardRef") or sys.implementation.name != "cpython":
        return False
    from .cache import cache_dir

    folder = cache_dir()
    if folder is None:
        return False
    _path = folder / f"dccode-{_key(dataclasses)}.marshal"
    try:
        kept = marshal.loads(_path.read_bytes())
        if type(kept) is dict and all(type(c) is CodeType for c in kept.values()):
            _code.update(kept)
    except (OSError, ValueError, EOFError, TypeError):
        pass  # none yet, or unreadable: compile as usual
    _loaded = len(_code)
    dataclasses.exec = _exec
    typing.compile = _compile
    import atexit

    atexit.register(save)  # (cli._finish runs the exit functions before its fast exit)
    return True


def uninstall() -> None:
    """Take the hook out again (tests)."""
    import dataclasses
    import typing

    if getattr(dataclasses, "exec", None) is _exec:
        del dataclasses.exec
    if getattr(typing, "compile", None) is _compile:
        del typing.compile


def save() -> bool:
    """Keep what this process compiled, if anything is new; returns whether it wrote."""
    from .cache import write_file

    if _path is None or len(_code) == _loaded:
        return False
    keep = dict(_used)  # this run's texts first, then older ones while there is room
    for source, code in _code.items():
        if len(keep) >= CAPACITY:
            break
        keep.setdefault(source, code)
    try:
        data = marshal.dumps(keep)
    except ValueError:
        return False
    return write_file(_path, data)


def _key(dataclasses_module) -> str:
    import hashlib
    import importlib.util
    import os

    try:
        st = os.stat(dataclasses_module.__file__)
        stamp = (st.st_size, st.st_mtime_ns)
    except (OSError, TypeError):
        stamp = None
    raw = repr((FORMAT, sys.version, importlib.util.MAGIC_NUMBER, stamp))
    return hashlib.sha256(raw.encode()).hexdigest()[:24]
