"""The command line's entry point: ``briefing-pdf build | validate | schema | preview | watch``.

Only this module and :mod:`briefing_pdf.commands` print. Problems go to stderr
one per line as ``file:line:col: field.path: message``; exit codes are 0
(success), 1 (content problems) and 2 (usage problems).

Start-up is part of every one-shot build, so this module imports neither
typer nor click: a plainly spelled ``build`` (the common case, and what CI
runs) is parsed here and run by :func:`run_build`; everything else (help,
other commands, unusual spellings) goes to the typer application in
:mod:`briefing_pdf.commands`, which keeps the messages and exit codes of every
unusual case. ReportLab is imported only by commands that render, so
``--help``, ``validate`` and ``schema`` start fast too.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path
from typing import Optional

from . import dccache

dccache.install()  # first: the dataclasses of everything imported below compile from the cache

from .errors import BriefingError, Problem, one_line  # noqa: E402

state = {"debug": False}


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")


def _report(problems: list[Problem]) -> None:
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for p in problems:
        _err(github_annotation(p) if annotate else str(p))


def github_annotation(problem: Problem) -> str:
    """A problem as a GitHub Actions workflow command (``::error file=…,line=…,col=…::…``):
    the run page shows it as an annotation on that line of the file."""
    def prop(value: object) -> str:
        return str(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(
            ":", "%3A").replace(",", "%2C")

    fields = []
    if problem.file:
        fields.append(f"file={prop(problem.file)}")
        if problem.line is not None:
            fields += [f"line={problem.line}", f"col={problem.column or 1}"]
    message = f"{problem.path}: {problem.message}" if problem.path else problem.message
    data = one_line(message).replace("%", "%25")
    level = "warning" if problem.severity == "warning" else "error"
    return f"::{level} {','.join(fields)}::{data}" if fields else f"::{level}::{data}"


def _expand(paths: list[Path]) -> list[Path]:
    from .batch import discover

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = discover(path)
            if not found:
                raise BriefingError.single("folder contains no issue files (*.yaml, *.yml, *.json)",
                                           file=str(path), kind="usage")
            files += found
        elif path.exists():
            files.append(path)
        else:
            raise BriefingError.single("file not found", file=str(path), kind="usage")
    return files


def _outputs(files: list[Path], output: Optional[Path], many: bool) -> list[Path]:
    if output is None:
        return [Path("out") / f"{f.stem}.pdf" for f in files]
    if not many and output.suffix.lower() == ".pdf":
        return [output]
    if output.exists() and not output.is_dir():
        raise BriefingError.single("output for several issues must be a folder", file=str(output), kind="usage")
    return [output / f"{f.stem}.pdf" for f in files]


def run_build(paths: list[Path], output: Optional[Path], brand: Optional[Path], jobs: int, shard: Optional[str],
              png: bool, dpi: int, pdf_standard: str, strict: bool) -> int:
    """``build`` (options: see :func:`briefing_pdf.commands.build`); reports problems, returns the exit code."""
    from .batch import default_jobs, is_brand_file, parse_shard, select_shard
    from .standards import check_standard

    try:
        check_standard(pdf_standard)
        if jobs < 0:
            raise BriefingError.single(f"--jobs: must be 0 (one per CPU) or more, got {jobs}", kind="usage")
        if png:
            _check_dpi(dpi)
        if brand is not None and not brand.is_file():
            raise BriefingError.single("brand file not found", file=str(brand), kind="usage")
        named = _expand(paths)
        files = [f for f in named if not is_brand_file(f)]  # `build issues/*.yaml` skips brands
        if not files and named and all(is_brand_file(f) for f in named):
            raise BriefingError.single(
                "this is a brand file, not an issue; build an issue that names it (brand: …) or pass it "
                "with --brand; `briefing-pdf validate` checks a brand file on its own",
                file=str(named[0]), kind="usage")
        many = len(files) > 1 or any(p.is_dir() for p in paths)
        if many and output is not None and output.suffix.lower() == ".pdf" and not output.is_dir():
            raise BriefingError.single("several issues need an output folder, not a .pdf file; "
                                       "e.g. -o out/", file=str(output), kind="usage")
        if shard:
            k, n = parse_shard(shard)
            files = select_shard(files, k, n)
        targets = _outputs(files, output, many)
    except BriefingError as exc:
        _report(exc.problems)
        return 2 if exc.kind == "usage" else 1
    if not files:
        _err("nothing to build in this shard")
        return 0
    workers = jobs if jobs > 0 else default_jobs()
    start = time.perf_counter()
    from . import wordstore

    wordstore.enable()  # words measured in earlier runs (see wordstore)
    try:
        results = _run(list(zip(files, targets)), brand, workers, dpi if png else None, many, pdf_standard, strict)
        wordstore.save()
    finally:
        wordstore.disable()  # a caller in the same process (tests) computes its words itself
    failed = [r for r in results if not r.ok]
    if many:
        _summary(results, time.perf_counter() - start)
    usage_only = failed and all(r.kind == "usage" for r in failed)
    return 2 if usage_only else 1 if failed else 0


#: ``build``'s option defaults, shared by the typer command and the fast path.
BUILD_DEFAULTS = {"output": None, "brand": None, "jobs": 0, "shard": None, "png": False, "dpi": 70,
                  "pdf_standard": "ua-1+a-2a", "strict": False}


#: Preview resolutions accepted: a page at 1200 dpi is already a 140-megapixel image.
MAX_DPI = 1200


def _check_dpi(dpi: int) -> None:
    if not 1 <= dpi <= MAX_DPI:
        raise BriefingError.single(f"--dpi: must be between 1 and {MAX_DPI}, got {dpi}", kind="usage")


def _run(jobs, brand, workers, dpi, many, standard, strict=False):
    from .batch import build_many

    def done(result) -> None:
        if result.ok:
            line = f"ok    {result.source} → {result.output} ({result.pages} pages, {result.seconds:.2f} s)"
            print(line, flush=True)
            _report(result.warnings)
        else:
            print(f"FAIL  {result.source} ({len(result.problems)} problem"
                  f"{'s' if len(result.problems) != 1 else ''})", flush=True)
            _report(result.problems)

    if many and sys.stdout.isatty():
        from rich.progress import Progress

        # No refresh thread (auto_refresh=False): the pool forks its workers
        # after this point, and forking a process that runs threads is unsafe.
        with Progress(transient=True, auto_refresh=False) as progress:
            task = progress.add_task("Building", total=len(jobs))
            progress.refresh()

            def tick(result) -> None:
                progress.advance(task)
                done(result)
                progress.refresh()

            return build_many(jobs, brand, workers, dpi, on_done=tick, debug=state["debug"], standard=standard,
                              strict=strict)
    return build_many(jobs, brand, workers, dpi, on_done=done, debug=state["debug"], standard=standard,
                      strict=strict)


def summary_table(results, seconds: float) -> list[str]:
    """The folder build's closing table and totals, as plain aligned lines.

    Plain text rather than a rich table: it is the same on a terminal and in a
    CI log, and importing rich's console and table cost a folder build about
    30 ms at its very end."""
    rows = [("issue", "status", "pages", "time")]
    rows += [(str(r.source), "ok" if r.ok else "FAILED", str(r.pages) if r.ok else "–", f"{r.seconds:.2f} s")
             for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join((row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2]),
                        row[3].rjust(widths[3]))).rstrip() for row in rows]
    pages = sum(r.pages for r in results)
    failed = sum(not r.ok for r in results)
    lines.append(f"{len(results) - failed} built, {failed} failed, {pages} pages in {seconds:.2f} s")
    return lines


def _summary(results, seconds: float) -> None:
    print("\n".join(summary_table(results, seconds)), flush=True)


# `build`'s options for the fast path below: flag → (parameter, converter or None for a switch).
_BUILD_OPTIONS = {
    "-o": ("output", Path), "--output": ("output", Path), "--brand": ("brand", Path),
    "-j": ("jobs", int), "--jobs": ("jobs", int), "--shard": ("shard", str),
    "--png": ("png", None), "--dpi": ("dpi", int), "--pdf-standard": ("pdf_standard", str),
    "--strict": ("strict", None),
}


def _fast_build_args(argv: list[str]) -> Optional[dict]:
    """``build``'s keyword arguments parsed without typer, or None to leave ``argv`` to typer.

    typer builds a pydantic adapter per parameter while parsing (about 0.1 s of
    a one-shot build). This parser takes only the plain spellings (``--opt
    value``, each option once, digits for numbers); anything else (help,
    ``--opt=value``, ``-j2``, ``--``, repeats, unknown options) goes to typer,
    which keeps the messages and exit codes of every unusual case.
    """
    args = list(argv)
    debug = bool(args) and args[0] == "--debug"
    if debug:
        args.pop(0)
    if not args or args[0] != "build" or len(args) < 2:
        return None
    kwargs: dict = {"paths": [], "debug": debug}
    rest = iter(args[1:])
    for token in rest:
        if not token.startswith("-") or token == "-":
            kwargs["paths"].append(Path(token))
            continue
        spec = _BUILD_OPTIONS.get(token)
        if spec is None or spec[0] in kwargs:
            return None
        name, convert = spec
        if convert is None:
            kwargs[name] = True
            continue
        value = next(rest, None)
        if value is None or value.startswith("-") or (convert is int and not value.isdigit()):
            return None
        kwargs[name] = convert(value)
    return kwargs if kwargs["paths"] else None


def _fast_build(kwargs: dict, finish_fast: bool = False) -> None:
    """Run ``build`` with arguments parsed by :func:`_fast_build_args`; exits like typer would.

    ``finish_fast`` (the console script): a one-issue build runs without the
    cyclic garbage collector and the process ends without interpreter
    teardown, see :func:`_finish`.
    """
    state["debug"] = kwargs.pop("debug")
    one_issue = finish_fast and len(kwargs["paths"]) == 1 and kwargs["paths"][0].is_file()
    if one_issue:
        # The build's objects live until the process ends: collections (of
        # ~10^5 objects from imports, fonts and layout) would free nothing.
        gc.disable()
    try:
        code = run_build(**{**BUILD_DEFAULTS, **kwargs})
    except KeyboardInterrupt:  # what typer's standalone mode does with these
        sys.exit(130)
    except EOFError:
        _err("\nAborted!")
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(1)
    if finish_fast:
        _finish(code)
    sys.exit(code)


def _finish(code: int) -> None:
    """End a finished build's process now: atexit handlers, flushed output, ``os._exit``.

    Python's own shutdown then tears down every module and object one by one
    (30-60 ms of a one-shot build) only to hand the memory back to the system,
    which process exit does anyway. Anything unusual (another thread still
    running, output that cannot be flushed, such as a closed pipe, or a
    profiler or tracer such as cProfile or coverage that writes its results
    at exit) returns, and the caller exits the normal way with Python's usual
    messages.
    """
    import atexit
    import threading

    if threading.active_count() > 1 or sys.getprofile() is not None or sys.gettrace() is not None:
        return
    try:
        atexit._run_exitfuncs()  # logging's shutdown, Pillow's cache, multiprocessing's clean-up
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - e.g. BrokenPipeError: let the normal shutdown report it
        return
    os._exit(code)


def main(finish_fast: bool = False) -> None:
    """Entry point: no traceback unless --debug.

    ``finish_fast`` is for a process that runs nothing after this call (the
    console script, ``python -m``): see :func:`_fast_build`. Callers in the
    same process (tests) get the plain ``SystemExit`` instead."""
    try:
        fast = _fast_build_args(sys.argv[1:])
        if fast is not None:
            _fast_build(fast, finish_fast)
        from .commands import app

        app(standalone_mode=True)
    except SystemExit:
        raise
    except BriefingError as exc:
        _report(exc.problems)
        sys.exit(2 if exc.kind == "usage" else 1)
    except Exception as exc:  # pragma: no cover - last line of defence
        if "--debug" in sys.argv:
            raise
        _err(f"briefing-pdf: internal error: {exc.__class__.__name__}: {exc} (run with --debug for details)")
        sys.exit(1)


def console() -> None:
    """The ``briefing-pdf`` console script.

    Its process validates only briefing-pdf's own models, so pydantic need
    not look for plugins: that search reads the entry points of every
    installed distribution (~2-3 ms of each one-shot build in a development
    environment, less in a lean one). ``PYDANTIC_DISABLE_PLUGINS`` set by the
    caller (``PYDANTIC_DISABLE_PLUGINS=`` turns plugins back on) is kept.
    """
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    main(finish_fast=True)


def __getattr__(name: str):
    """The typer application and its commands (``cli.app``, ``cli.build``), imported on first use."""
    if name.startswith("__"):
        raise AttributeError(name)
    from . import commands

    try:
        return getattr(commands, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


if __name__ == "__main__":
    console()
