"""Many issues at once: discovery, sharding and a process pool.

Each issue builds in a worker process; a failure is a result, not an
exception, so one bad issue never stops the others.
"""

from __future__ import annotations

import os
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BriefingError, Problem

ISSUE_SUFFIXES = (".yaml", ".yml", ".json")


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


def in_shard(path: Path, k: int, n: int) -> bool:
    """Stable partition by file name: the same file lands in the same shard on every machine."""
    return zlib.crc32(path.name.encode("utf-8")) % n == k - 1


@dataclass
class Result:
    source: Path
    output: Path
    ok: bool
    pages: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    previews: list[Path] = field(default_factory=list)


def build_one(source: Path, output: Path, brand: Path | None = None, png_dpi: int | None = None) -> Result:
    """Build one issue and report the outcome (never raises for content problems)."""
    from .pipeline import build

    start = time.perf_counter()
    try:
        result = build(source, output, brand)
        previews = []
        if png_dpi:
            from .preview import write_previews

            previews = write_previews(output, output.parent / f"{output.stem}-preview", png_dpi)
        return Result(source, output, True, result.pages, time.perf_counter() - start, previews=previews)
    except BriefingError as exc:
        return Result(source, output, False, 0, time.perf_counter() - start, exc.problems)
    except Exception as exc:  # an internal error must still not stop the other issues
        return Result(source, output, False, 0, time.perf_counter() - start,
                      [Problem(f"internal error: {exc.__class__.__name__}: {exc} "
                               "(please report this; run with --debug for details)", str(source))])


def _warm() -> None:
    """Load the expensive parts once per worker, before the first issue."""
    from . import render  # noqa: F401  (imports ReportLab)


def build_many(jobs: list[tuple[Path, Path]], brand: Path | None, workers: int,
               png_dpi: int | None = None, on_done=None) -> list[Result]:
    """Build (source, output) pairs with ``workers`` processes, in input order."""
    results: dict[int, Result] = {}
    if workers <= 1 or len(jobs) <= 1:
        for i, (src, out) in enumerate(jobs):
            results[i] = build_one(src, out, brand, png_dpi)
            if on_done:
                on_done(results[i])
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), initializer=_warm) as pool:
            futures = {pool.submit(build_one, src, out, brand, png_dpi): i for i, (src, out) in enumerate(jobs)}
            from concurrent.futures import as_completed

            for future in as_completed(futures):
                i = futures[future]
                results[i] = future.result()
                if on_done:
                    on_done(results[i])
    return [results[i] for i in range(len(jobs))]


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
