"""Measured words kept between runs: a per-user store of word plans.

Why: in a fresh process about a fifth of a build goes to words met for the
first time. Each word is classified, hyphenated, measured and kerned once
per font and size (:meth:`briefing_pdf.kpparagraph.KPParagraph._plan`); a
warm process finds the result in memory, a new process starts from nothing.
Yet issues of one publication share most of their words, and an editor
rebuilds the same issue again and again. So the command line keeps the
plans of recently used words in the cache folder (:mod:`briefing_pdf.cache`)
and the next run starts with them.

Only what a plan is a pure function of decides whether a stored plan is used:

* the file itself is keyed by the format, the Python, ReportLab and pyphen
  versions and the size and modification time of the modules that compute
  plans and of the shipped hyphenation patterns (any change: a new file);
* a group inside it by the paragraph settings and the hyphenator (language,
  house exceptions, minimum lengths), exactly the keys of the in-memory memo;
* a plan by word, font name, size and sentence start (a word of several
  segments, such as a link inside a word, by each segment's font, size,
  baseline shift and text); a font name stands for a file path, and a stored
  plan is used only while that file still has the size and modification
  time it had when the plan was stored.

A plan from the store is the plan the build would compute, so the PDF is the
same byte for byte with or without the store (tests/test_wordstore.py builds
both ways). It is an optimisation only: an unreadable, foreign or corrupt
file means computing the words again, never an error, and
``BRIEFING_PDF_NO_CACHE`` turns it off with the other caches.

The store is off unless a caller enables it (the CLI does); the library and
the test suite compute every word themselves. A folder build with several
workers loads it before they fork, but what the workers measure is not sent
back: that cost a 24-issue batch ~50 ms (~3 %) for the benefit of a later
run only, and a CI runner rarely keeps its cache anyway. It keeps the plans the last
builds used, newest first, up to :data:`CAPACITY` plans: loading costs about
0.5 ms per thousand plans, computing them 15-35 ms per thousand. What it
buys is measured in docs/performance.md: a rebuild of an issue is ~10 %
faster; a new issue gains little, as the words that are dear to compute
(long, hyphenated ones) are the ones that differ from issue to issue.
"""

from __future__ import annotations

import gc
import marshal
import os
import sys
from pathlib import Path
from typing import Callable, Dict, Optional, Tuple

#: Bump when the layout of a stored plan or of the file changes.
FORMAT = 1
#: Plans kept (over all groups): ~130 bytes each on disk, ~0.5 µs and ~0.8 kB of memory
#: each to load; a 6-page issue uses 2000-3000.
CAPACITY = 8000

#: Modules whose code a plan depends on (their size and mtime key the file).
_PLAN_MODULES = ("kpparagraph.py", "hyphenate.py", "kerning.py", "fonts.py", "wordstore.py")

Plan = tuple
Group = Dict[tuple, Plan]
Fingerprint = Tuple[int, int]


class WordStore:
    """The stored plans of one process: loaded on first use, saved on request."""

    def __init__(self, folder: Optional[Path], font_file: Callable[[str], Optional[Path]]):
        self.folder = folder
        self._font_file = font_file
        self._groups: Optional[Dict[tuple, Group]] = None
        self._fonts: Dict[str, Fingerprint] = {}   # font name -> fingerprint when stored
        self._font_ok: Dict[str, bool] = {}
        self._file: Optional[Path] = None

    # -- reading ------------------------------------------------------------
    def group(self, key: tuple) -> Group:
        """The stored plans of one settings group (empty when none)."""
        if self._groups is None:
            self._groups = self._load()
        return self._groups.get(key) or _EMPTY

    def font_ok(self, name: str) -> bool:
        """Whether plans stored for font ``name`` still describe its file."""
        ok = self._font_ok.get(name)
        if ok is None:
            stored = self._fonts.get(name)
            ok = self._font_ok[name] = stored is not None and stored == _fingerprint(self._font_file(name))
        return ok

    def _path(self) -> Optional[Path]:
        if self.folder is None:
            return None
        if self._file is None:
            self._file = self.folder / f"words-{_code_key()}.marshal"
        return self._file

    def _load(self) -> Dict[tuple, Group]:
        path = self._path()
        if path is None:
            return {}
        paused = gc.isenabled()
        gc.disable()  # ~10^5 new tuples: the collector would run a dozen times for nothing
        try:
            fmt, fonts, groups = marshal.loads(path.read_bytes())
            if fmt != FORMAT or not isinstance(fonts, dict) or not isinstance(groups, dict) \
                    or not all(type(g) is dict for g in groups.values()):
                return {}
        except FileNotFoundError:
            return {}
        except Exception:  # noqa: BLE001 - a corrupt or foreign file: compute the words again
            return {}
        finally:
            if paused:
                gc.enable()
        self._fonts = fonts
        return groups

    # -- writing ------------------------------------------------------------
    def save(self, live: Dict[tuple, Group]) -> bool:
        """Store the plans this process used (``live``: the in-memory memo,
        group key -> plans), newest first, then older stored ones, up to
        :data:`CAPACITY`. Writes only when ``live`` has a word the store
        lacks; returns whether it wrote. Never raises."""
        path = self._path()
        if path is None or not live:
            return False
        stored = self._groups if self._groups is not None else self._load()
        if not any(k not in stored.get(g, _EMPTY) for g, plans in live.items() for k in plans):
            return False
        fonts: Dict[str, Optional[Fingerprint]] = {}

        def unchanged(name: str) -> bool:
            if name not in fonts:
                fonts[name] = _fingerprint(self._font_file(name))
            return fonts[name] is not None

        def fonts_ok(key: tuple, used: bool) -> bool:
            # an older stored plan only while its font files are unchanged
            return all(unchanged(name) and (used or self._fonts.get(name) == fonts[name])
                       for name in _fonts_of(key))

        groups: Dict[tuple, Group] = {}
        left = CAPACITY
        for source, used in ((live, True), (stored, False)):
            for gkey, plans in source.items():
                out = groups.setdefault(gkey, {})
                for key, plan in plans.items():
                    if left <= 0:
                        break
                    if key not in out and fonts_ok(key, used):
                        out[key] = plan
                        left -= 1
        data = (FORMAT, {k: v for k, v in fonts.items() if v is not None}, groups)
        try:
            blob = marshal.dumps(data)
        except ValueError:  # a settings value marshal cannot write (a custom caller's object)
            return False
        from .cache import write_file

        written = write_file(path, blob)
        if written:
            _prune(path)
        return written


_EMPTY: Group = {}


#: A store of another code version (an upgrade, an edit of the code) unused this long is deleted.
STALE_DAYS = 7


def _prune(current: Path) -> None:
    """Delete stores of other code versions that nobody has written for :data:`STALE_DAYS`."""
    import time

    limit = time.time() - STALE_DAYS * 86400
    try:
        for other in current.parent.glob("words-*.marshal"):
            if other != current and other.stat().st_mtime < limit:
                other.unlink()
    except OSError:
        pass


def _fonts_of(key: tuple) -> tuple:
    """The font names a plan's key holds: ``(word, font, size, start)`` for a
    word in one fragment, ``(((font, size, rise, text), ...), start)`` for one
    of several segments (a segment without a font draws nothing)."""
    if type(key[0]) is tuple:
        return tuple({seg[0] for seg in key[0] if seg[0] is not None})
    return (key[1],)


def _fingerprint(path: Optional[Path]) -> Optional[Fingerprint]:
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _code_key() -> str:
    """What every stored plan depends on besides its own key (see the module docstring)."""
    import hashlib

    import reportlab

    here = Path(__file__).parent
    parts = [FORMAT, sys.version_info[:2], reportlab.Version, _pyphen_version()]
    for name in _PLAN_MODULES:
        parts.append((name, _fingerprint(here / name)))
    hyph = here / "data" / "hyph"
    try:
        parts += sorted((p.name, _fingerprint(p)) for p in hyph.iterdir() if p.suffix == ".dic")
    except OSError:
        pass
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def _pyphen_version() -> str:
    try:
        import pyphen
    except ImportError:  # pragma: no cover - a required dependency
        return ""
    return str(getattr(pyphen, "VERSION", ""))


_STORE: Optional[WordStore] = None


def enable() -> None:
    """Use the store in this process (the CLI calls this before it builds)."""
    global _STORE
    if _STORE is None:
        from .cache import cache_dir
        from .fonts import registered_file

        _STORE = WordStore(cache_dir(), registered_file)


def disable() -> None:
    global _STORE
    _STORE = None


def preload() -> None:
    """Read the store now (a folder build does this before its workers fork)."""
    if _STORE is not None:
        _STORE.group(())


def group(key: tuple) -> Group:
    """The stored plans of a settings group; empty while the store is off."""
    return _STORE.group(key) if _STORE is not None else _EMPTY


def font_ok(name: str) -> bool:
    return _STORE is not None and _STORE.font_ok(name)


def _live() -> Dict[tuple, Group]:
    """The in-memory plan memo (empty when layout never ran in this process)."""
    kp = sys.modules.get("briefing_pdf.kpparagraph")
    return kp._PLANS if kp is not None else {}


def save(live: Optional[Dict[tuple, Group]] = None) -> bool:
    """Store ``live`` (default: this process's plan memo) if the store is on."""
    if _STORE is None:
        return False
    return _STORE.save(_live() if live is None else live)
