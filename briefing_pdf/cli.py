"""The command line: ``briefing-pdf build | validate | schema | preview | watch``.

Only this module prints. Problems go to stderr one per line as
``file:line:col: field.path: message``; exit codes are 0 (success),
1 (content problems) and 2 (usage problems). ReportLab is imported only by
commands that render, so ``--help``, ``validate`` and ``schema`` start fast.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .errors import BriefingError, Problem, one_line

# "\b" keeps click from re-flowing the examples into one paragraph.
EXAMPLES = """
\b
Examples:
  briefing-pdf new issues/x.yaml                 # start an issue (new-brand: a brand)
  briefing-pdf build issues/x.yaml               # → out/x.pdf
  briefing-pdf build issues/ -o out/ --jobs 2    # every issue in the folder
  briefing-pdf build issues/ --shard 1/4 --png   # a CI matrix job, with previews
  briefing-pdf validate issues/ --strict         # check without building; warnings fail
  briefing-pdf schema > issue.schema.json        # for the YAML language server
  briefing-pdf watch issues/x.yaml               # rebuild on every save
  briefing-pdf build issues/x.yaml --pdf-standard a-2b   # PDF/A-2b only
"""

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Typeset briefing issues (YAML/JSON) into branded two-column PDFs.\n" + EXAMPLES,
                  context_settings={"help_option_names": ["-h", "--help"]})

state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"briefing-pdf {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of internal errors."),
) -> None:
    state["debug"] = debug


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


def _fail(exc: BriefingError) -> None:
    _report(exc.problems)
    raise typer.Exit(2 if exc.kind == "usage" else 1)


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


@app.command(epilog="Examples:  briefing-pdf build issues/x.yaml   |   briefing-pdf build issues/ -o out/ --jobs 2")
def build(
    paths: List[Path] = typer.Argument(..., help="Issue files or folders of issue files."),
    output: Optional[Path] = typer.Option(None, "-o", "--output",
                                          help="Output PDF (one issue) or folder (default: out/<stem>.pdf)."),
    brand: Optional[Path] = typer.Option(None, "--brand", help="Brand file to use instead of the issue's."),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Parallel builds (default: number of CPUs)."),
    shard: Optional[str] = typer.Option(None, "--shard", help="Build only shard K of N (K/N), for CI matrices."),
    png: bool = typer.Option(False, "--png", help="Also write page PNGs and a contact sheet."),
    dpi: int = typer.Option(70, "--dpi", help="Resolution of --png previews."),
    pdf_standard: str = typer.Option(
        "ua-1+a-2a", "--pdf-standard",
        help="ua-1+a-2a (default: tagged, accessible and archival), a-2b (archival, untagged) "
             "or none (plain PDF, for speed comparisons only)."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings (e.g. the placeholder imprint) as errors."),
) -> None:
    """Build PDFs from issue files; a folder builds every issue in it."""
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
        _fail(exc)
        return
    if not files:
        _err("nothing to build in this shard")
        raise typer.Exit(0)
    workers = jobs if jobs > 0 else default_jobs()
    start = time.perf_counter()
    results = _run(list(zip(files, targets)), brand, workers, dpi if png else None, many, pdf_standard, strict)
    failed = [r for r in results if not r.ok]
    if many:
        _summary(results, time.perf_counter() - start)
    usage_only = failed and all(r.kind == "usage" for r in failed)
    raise typer.Exit(2 if usage_only else 1 if failed else 0)


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


def _summary(results, seconds: float) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=None, show_edge=False, box=None, pad_edge=False)
    for col in ("issue", "status", "pages", "time"):
        table.add_column(col, justify="right" if col in ("pages", "time") else "left")
    for r in results:
        table.add_row(str(r.source), "ok" if r.ok else "FAILED", str(r.pages) if r.ok else "–", f"{r.seconds:.2f} s")
    console = Console(highlight=False, soft_wrap=True, width=120)
    console.print(table)
    pages = sum(r.pages for r in results)
    failed = sum(not r.ok for r in results)
    console.print(f"{len(results) - failed} built, {failed} failed, {pages} pages in {seconds:.2f} s",
                  markup=False)


@app.command()
def validate(
    paths: List[Path] = typer.Argument(..., help="Issue files or folders."),
    brand: Optional[Path] = typer.Option(None, "--brand", help="Brand file to use instead of the issue's."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings (e.g. the placeholder imprint) as errors."),
) -> None:
    """Check issue files (schema, brand, fonts, glyphs, links) without building."""
    from .batch import is_brand_file
    from .pipeline import check, check_brand

    try:
        if brand is not None and not brand.is_file():
            raise BriefingError.single("brand file not found", file=str(brand), kind="usage")
        files = _expand(paths)
    except BriefingError as exc:
        _fail(exc)
        return
    bad = 0
    for f in files:
        try:
            if is_brand_file(f):
                _report(check_brand(f, strict))  # a brand file named on the command line is checked as a brand
            else:
                warnings = check(f, brand, strict).warnings
                _report(warnings)
            print(f"ok    {f}")
        except BriefingError as exc:
            bad += 1
            _report(exc.problems)
    raise typer.Exit(1 if bad else 0)


@app.command()
def schema(
    kind: str = typer.Argument("issue", help="'issue' or 'brand'."),
) -> None:
    """Print the JSON Schema of issue (or brand) files."""
    from .model import brand_schema, issue_schema

    if kind not in ("issue", "brand"):
        _err(f"schema: expected 'issue' or 'brand', got '{kind}'")
        raise typer.Exit(2)
    print(json.dumps(issue_schema() if kind == "issue" else brand_schema(), indent=2, ensure_ascii=False))


@app.command("new")
def new(
    path: Path = typer.Argument(..., help="The issue file to create, e.g. issues/en-2026-04-x.yaml."),
    brand: Optional[Path] = typer.Option(None, "--brand", help="Brand file the issue uses (brand: …)."),
    language: str = typer.Option("en", "--language", help="de or en."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Start an issue: a commented file whose "" placeholders fail validation until filled in."""
    from .starter import new_issue

    try:
        schema = new_issue(path, language, brand, force=force)
    except BriefingError as exc:
        _fail(exc)
        return
    _started(path, schema)


@app.command("new-brand")
def new_brand_command(
    path: Path = typer.Argument(..., help="The brand file to create, e.g. issues/house.brand.yaml."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
) -> None:
    """Start a brand file: commented, with "" placeholders that fail validation until filled in."""
    from .starter import new_brand

    try:
        schema = new_brand(path, force=force)
    except BriefingError as exc:
        _fail(exc)
        return
    _started(path, schema)


def _started(path: Path, schema: str) -> None:
    print(f"wrote {path}; fill in every \"\" and run: briefing-pdf validate {path}")
    import os

    where = Path(os.path.normpath(path.parent / schema)).as_posix()
    if not Path(where).is_file():
        kind = "brand" if schema.endswith("brand.schema.json") else "issue"
        print(f"for editor support create {where}: briefing-pdf schema {kind} > {where}")


@app.command()
def preview(
    pdf: Path = typer.Argument(..., help="A built PDF."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Folder for the PNGs."),
    dpi: int = typer.Option(70, "--dpi"),
) -> None:
    """Write page PNGs and a contact sheet of a PDF."""
    from .preview import write_previews

    if not pdf.is_file():
        _err(f"{pdf}: file not found")
        raise typer.Exit(2)
    try:
        with pdf.open("rb") as handle:
            is_pdf = handle.read(1024).lstrip().startswith(b"%PDF-")
    except OSError as exc:
        _err(f"{pdf}: cannot read file: {exc.strerror}")
        raise typer.Exit(1)
    if not is_pdf:
        hint = f"; build it first: briefing-pdf build {pdf} --png" if pdf.suffix.lower() in (".yaml", ".yml", ".json") else ""
        _err(f"{pdf}: not a PDF file (preview takes a built PDF){hint}")
        raise typer.Exit(2)
    try:
        _check_dpi(dpi)
        paths = write_previews(pdf, output or pdf.parent / f"{pdf.stem}-preview", dpi)
    except BriefingError as exc:
        _fail(exc)
        return
    for path in paths:
        print(path)


#: Files whose change triggers a rebuild in ``watch`` (issue, brand, logo, fonts).
WATCHED_SUFFIXES = (".yaml", ".yml", ".json", ".svg", ".png", ".jpg", ".jpeg", ".ttf", ".ttc", ".otf")


def _watch_filter(target: Path, roots: list[Path]):
    """Changes that should rebuild: inputs only, never our own output (no rebuild loops)."""
    from watchfiles import DefaultFilter

    default = DefaultFilter()
    out_dir = target.resolve().parent
    out_is_root = out_dir in roots

    def relevant(change, raw: str) -> bool:
        p = Path(raw)
        if p.name.startswith(".") or p.suffix.lower() not in WATCHED_SUFFIXES or not default(change, raw):
            return False
        if not out_is_root:
            try:
                p.resolve().relative_to(out_dir)
                return False  # inside the output folder (previews, other PDFs)
            except ValueError:
                pass
        return True

    return relevant


def _brand_dir(issue: Path) -> Optional[Path]:
    """Folder of the brand file an issue names with ``brand:`` (read cheaply, best effort)."""
    import re

    try:
        m = re.search(r"^brand:\s*[\"']?([^\"'#\n]+?)[\"']?\s*(?:#.*)?$", issue.read_text(encoding="utf-8"), re.M)
    except OSError:
        return None
    return (issue.parent / m.group(1)).resolve().parent if m else None


@app.command()
def watch(
    path: Path = typer.Argument(..., help="The issue file to watch."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Output PDF (default: out/<stem>.pdf)."),
    brand: Optional[Path] = typer.Option(None, "--brand", help="Brand file to use instead of the issue's."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings (e.g. the placeholder imprint) as errors."),
) -> None:
    """Rebuild a PDF on every save; a broken save keeps the last good PDF."""
    from watchfiles import watch as watch_files

    from .batch import build_one

    if path.is_dir():
        _err(f"{path}: is a folder; watch takes one issue file, e.g. briefing-pdf watch {path / 'x.yaml'}")
        raise typer.Exit(2)
    if not path.is_file():
        _err(f"{path}: file not found")
        raise typer.Exit(2)
    if brand is not None and not brand.is_file():
        _err(f"{brand}: brand file not found")
        raise typer.Exit(2)
    target = output or Path("out") / f"{path.stem}.pdf"

    def once() -> None:
        if not path.is_file():  # an editor's save-by-rename is in progress; its create event follows
            return
        r = build_one(path, target, brand, strict=strict)
        stamp = time.strftime("%H:%M:%S")
        if r.ok:
            print(f"{stamp} ok    {target} ({r.pages} pages, {r.seconds:.2f} s)", flush=True)
            _report(r.warnings)
        else:
            print(f"{stamp} FAIL  {path}: kept the last good PDF", flush=True)
            _report(r.problems)
            sys.stderr.flush()

    once()
    roots = {path.resolve().parent}
    for extra in (brand.resolve().parent if brand else None, _brand_dir(path)):
        if extra is not None and extra.is_dir():
            roots.add(extra)
    ordered = sorted(roots)
    print(f"watching {path} → {target} (Ctrl+C to stop)", flush=True)
    try:
        for _changes in watch_files(*ordered, watch_filter=_watch_filter(target, ordered),
                                    debounce=150, step=50):
            once()
    except KeyboardInterrupt:
        pass


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


def _fast_build(kwargs: dict) -> None:
    """Run ``build`` with arguments parsed by :func:`_fast_build_args`; exits like typer would."""
    import inspect

    state["debug"] = kwargs.pop("debug")
    defaults = {name: param.default.default  # the typer.Option(...) defaults, declared once above
                for name, param in inspect.signature(build).parameters.items() if name != "paths"}
    try:
        build(**{**defaults, **kwargs})
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:  # what typer's standalone mode does with these
        sys.exit(130)
    except EOFError:
        _err("\nAborted!")
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(1)
    sys.exit(0)


def main() -> None:
    """Console entry point: no traceback unless --debug."""
    try:
        fast = _fast_build_args(sys.argv[1:])
        if fast is not None:
            _fast_build(fast)
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


if __name__ == "__main__":
    main()
