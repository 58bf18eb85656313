"""A small on-disk cache for parsed fonts and hyphenation patterns.

Parsing is the largest fixed cost of a build: pyphen's German patterns take
0.7 s to parse, the 5 MB CJK font about 0.15–0.3 s. Both are pure functions
of a file, so their parsed form is stored under the user's cache folder
(``$BRIEFING_PDF_CACHE``, else ``$XDG_CACHE_HOME/briefing-pdf``, else
``~/.cache/briefing-pdf``), keyed by the source file's path, size and
modification time and by the library version. The cache is an optimisation
only: an unwritable folder or a corrupt entry means parsing again, never an
error. Finished PDFs are never cached.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")


def cache_dir() -> Path | None:
    if os.environ.get("BRIEFING_PDF_NO_CACHE"):
        return None
    base = os.environ.get("BRIEFING_PDF_CACHE")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg) if xdg else Path.home() / ".cache"
    return root / "briefing-pdf"


def file_key(kind: str, path: Path, *extra: object) -> str:
    """A cache key that changes whenever the source file or the versions change."""
    stat = path.stat()
    raw = "|".join(map(str, (kind, path.resolve(), stat.st_size, stat.st_mtime_ns, *extra)))
    return f"{kind}-{hashlib.sha256(raw.encode()).hexdigest()[:24]}"


def cached(key: str, build: Callable[[], T], dumps: Callable[[T], bytes],
           loads: Callable[[bytes], T]) -> T:
    """``loads(cache[key])`` if present and readable, else ``build()`` (and store it)."""
    folder = cache_dir()
    if folder is None:
        return build()
    target = folder / key
    try:
        return loads(target.read_bytes())
    except FileNotFoundError:
        pass
    except Exception:  # a corrupt or foreign entry: rebuild and overwrite
        pass
    value = build()
    try:
        data = dumps(value)
    except Exception:  # noqa: BLE001 - a value that cannot be stored is still the value
        return value
    write_file(target, data)
    return value


def write_file(path: Path, data: bytes) -> bool:
    """Atomically replace ``path`` with ``data``; a failure (or an interrupt)
    leaves the old file and no temporary one. Never raises ``OSError``."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
        tmp = None
        return True
    except OSError:
        return False
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
