"""Many issues at once: discovery, sharding, warm-up and a process pool.

Each issue builds in a worker process; a failure is a result, not an
exception, so one bad issue never stops the others.

Warm-up: the expensive, issue-independent state (ReportLab's import, the
parsed shipped fonts, pyphen's dictionaries for the languages in the batch)
is loaded once in the parent *before* the pool forks, so every worker starts
warm and shares those pages copy-on-write. Where ``fork`` is not available
the same warm-up runs as the pool initializer in every worker.
"""

from __future__ import annotations

import gc
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .errors import BriefingError, Problem
from .standards import DEFAULT_STANDARD

ISSUE_SUFFIXES = (".yaml", ".yml", ".json")
#: ``language:`` in an issue file (compiled by ``re`` on first use: only a pool needs it).
_LANGUAGE = r'(?:^|[{,])\s*"?language"?\s*:\s*["\']?([A-Za-z_-]+)'


def is_brand_file(path: Path) -> bool:
    return path.name.endswith((".brand.yaml", ".brand.yml", ".brand.json"))


def discover(folder: Path) -> list[Path]:
    """Issue files in a folder (not recursive), sorted, brand files excluded."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in ISSUE_SUFFIXES and not is_brand_file(p))


def parse_shard(spec: str) -> tuple[int, int]:
    """``"2/4"`` → (2, 4); shards count from 1."""
    try:
        k, n = (int(x) for x in spec.split("/"))
    except ValueError:
        raise BriefingError.single(f"--shard expects K/N such as 1/4, got '{spec}'", kind="usage") from None
    if not (n >= 1 and 1 <= k <= n):
        raise BriefingError.single(f"--shard K/N needs 1 <= K <= N, got '{spec}'", kind="usage")
    return k, n


def _shard_key(path: Path) -> str:
    return path.as_posix()


def select_shard(files: Sequence[Path], k: int, n: int) -> list[Path]:
    """Shard ``k`` of ``n`` (1-based) of ``files``, in their original order.

    The files are ordered by path (so argument order and file-system order do
    not matter) and dealt round-robin: shards are disjoint, together they are
    every file, their sizes differ by at most one, and the same file set gives
    the same partition on every machine and every run.
    """
    ordered = sorted(dict.fromkeys(files), key=_shard_key)
    chosen = {f for i, f in enumerate(ordered) if i % n == k - 1}
    return [f for f in dict.fromkeys(files) if f in chosen]


@dataclass
class Result:
    source: Path
    output: Path
    ok: bool
    pages: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    previews: list[Path] = field(default_factory=list)
    kind: str = "content"  # of a failure: "content" (exit 1) or "usage" (exit 2)
    warnings: list[Problem] = field(default_factory=list)


def build_one(source: Path, output: Path, brand: Path | None = None, png_dpi: int | None = None,
              debug: bool = False, standard: str = DEFAULT_STANDARD, strict: bool = False) -> Result:
    """Build one issue and report the outcome (never raises for content problems)."""
    from .pipeline import build

    start = time.perf_counter()
    try:
        result = build(source, output, brand, standard, strict)
        previews = []
        if png_dpi:
            from .preview import write_previews

            previews = write_previews(output, output.parent / f"{output.stem}-preview", png_dpi)
        return Result(source, output, True, result.pages, time.perf_counter() - start, previews=previews,
                      warnings=result.warnings)
    except BriefingError as exc:
        return Result(source, output, False, 0, time.perf_counter() - start, exc.problems, kind=exc.kind)
    except Exception as exc:  # an internal error must still not stop the other issues
        if debug:  # --debug: the traceback of an internal error is wanted
            raise
        return Result(source, output, False, 0, time.perf_counter() - start,
                      [Problem(f"internal error: {exc.__class__.__name__}: {exc} "
                               "(please report this; run with --debug for details)", str(source))])


def languages(files: Iterable[Path]) -> set[str]:
    """The ``language:`` values of issue files, read cheaply (no YAML parse); unknown → both."""
    found: set[str] = set()
    for f in files:
        try:
            match = re.search(_LANGUAGE, Path(f).read_text(encoding="utf-8", errors="replace")[:20000], re.M)
        except OSError:
            match = None
        if match and match.group(1).lower()[:2] in ("de", "en"):
            found.add(match.group(1).lower()[:2])
        else:
            found.update(("de", "en"))
    return found


def warm(langs: Iterable[str] = ("de", "en"), png: bool = False) -> None:
    """Load the issue-independent expensive state of a build, once per process.

    Every step is optional: a failure here only means the build pays the cost
    itself (and reports any real problem with its usual message).
    """
    steps: list[Callable[[], object]] = [lambda: __import__("briefing_pdf.render")]

    def fonts() -> None:
        from .fonts import load_fontset, load_registered_faces

        from .kerning import kern_table

        fonts = load_fontset({}, None, "<shipped fonts>")
        fonts.register_all()
        load_registered_faces()  # faces load on first use; here, once for every forked worker
        for face in fonts.faces:  # pair-kerning tables (built once, then read from the disk cache)
            kern_table(fonts.name(face))

    def hyphenation(lang: str) -> Callable[[], object]:
        def load() -> None:  # the line breaker's hyphenator loads pyphen's dictionary on first use
            from .hyphenate import get_hyphenator

            get_hyphenator(lang).positions("Zusammenarbeitsvereinbarung" if lang == "de" else "responsibilities")
        return load

    steps.append(fonts)
    steps.append(lambda: __import__("briefing_pdf.wordstore").wordstore.preload())  # if the CLI enabled it
    steps += [hyphenation(lang) for lang in sorted(set(langs)) if lang in ("de", "en")]
    if png:
        steps.append(lambda: __import__("pypdfium2"))
    for step in steps:
        try:
            step()
        except Exception:  # noqa: BLE001 - warm-up is best effort
            pass
    # What warm-up loaded (modules, faces, kerning and hyphenation tables, ~10^5
    # objects) lives as long as the process: move it out of the cyclic
    # collector's sight, so that the collections during each build do not
    # traverse it again (and forked workers do not dirty its pages doing so).
    gc.freeze()


def _pool(workers: int, langs: set[str], png: bool):
    """A process pool whose workers start warm. (Imported here: a one-issue build needs no pool.)"""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" in multiprocessing.get_all_start_methods():
        warm(langs, png)  # once, in the parent: the forked workers inherit it
        return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    return ProcessPoolExecutor(max_workers=workers, initializer=warm, initargs=(tuple(langs), png))


def build_many(jobs: list[tuple[Path, Path]], brand: Path | None, workers: int,
               png_dpi: int | None = None, on_done: Callable[[Result], None] | None = None,
               debug: bool = False, standard: str = DEFAULT_STANDARD, strict: bool = False) -> list[Result]:
    """Build (source, output) pairs with ``workers`` processes; results in input order.

    ``on_done`` is called in the parent as each issue finishes (completion
    order). Workers are forked before the caller's UI threads exist only if
    the caller avoids starting threads first (the CLI's progress bar does not
    use a refresh thread for that reason).
    """
    results: dict[int, Result] = {}
    if workers <= 1 or len(jobs) <= 1:
        for i, (src, out) in enumerate(jobs):
            results[i] = build_one(src, out, brand, png_dpi, debug, standard, strict)
            if on_done:
                on_done(results[i])
    else:
        from concurrent.futures import as_completed

        langs = languages(src for src, _ in jobs)
        with _pool(min(workers, len(jobs)), langs, bool(png_dpi)) as pool:
            futures = {pool.submit(build_one, src, out, brand, png_dpi, debug, standard, strict): i
                       for i, (src, out) in enumerate(jobs)}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    results[i] = future.result()
                except Exception as exc:  # a worker died (out of memory, killed)
                    src, out = jobs[i]
                    results[i] = Result(src, out, False, problems=[Problem(
                        f"internal error: the build process failed: {exc.__class__.__name__}: {exc}", str(src))])
                if on_done:
                    on_done(results[i])
    return [results[i] for i in range(len(jobs))]


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
