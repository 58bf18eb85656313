"""The typer application: every command of ``briefing-pdf`` and its help texts.

:mod:`briefing_pdf.cli` is the entry point; it runs a plainly spelled
``build`` without importing this module (typer and click cost about a tenth
of a one-shot build) and hands everything else here. ``build`` itself lives in
:func:`briefing_pdf.cli.run_build`, so both paths share one implementation.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .cli import BUILD_DEFAULTS, _check_dpi, _err, _expand, _report, run_build, state
from .errors import BriefingError

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


def _fail(exc: BriefingError) -> None:
    _report(exc.problems)
    raise typer.Exit(2 if exc.kind == "usage" else 1)


@app.command(epilog="Examples:  briefing-pdf build issues/x.yaml   |   briefing-pdf build issues/ -o out/ --jobs 2")
def build(
    paths: List[Path] = typer.Argument(..., help="Issue files or folders of issue files."),
    output: Optional[Path] = typer.Option(BUILD_DEFAULTS["output"], "-o", "--output",
                                          help="Output PDF (one issue) or folder (default: out/<stem>.pdf)."),
    brand: Optional[Path] = typer.Option(BUILD_DEFAULTS["brand"], "--brand",
                                         help="Brand file to use instead of the issue's."),
    jobs: int = typer.Option(BUILD_DEFAULTS["jobs"], "--jobs", "-j", help="Parallel builds (default: number of CPUs)."),
    shard: Optional[str] = typer.Option(BUILD_DEFAULTS["shard"], "--shard",
                                        help="Build only shard K of N (K/N), for CI matrices."),
    png: bool = typer.Option(BUILD_DEFAULTS["png"], "--png", help="Also write page PNGs and a contact sheet."),
    dpi: int = typer.Option(BUILD_DEFAULTS["dpi"], "--dpi", help="Resolution of --png previews."),
    pdf_standard: str = typer.Option(
        BUILD_DEFAULTS["pdf_standard"], "--pdf-standard",
        help="ua-1+a-2a (default: tagged, accessible and archival), a-2b (archival, untagged) "
             "or none (plain PDF, for speed comparisons only)."),
    strict: bool = typer.Option(BUILD_DEFAULTS["strict"], "--strict",
                                help="Treat warnings (e.g. the placeholder imprint) as errors."),
) -> None:
    """Build PDFs from issue files; a folder builds every issue in it."""
    raise typer.Exit(run_build(paths, output, brand, jobs, shard, png, dpi, pdf_standard, strict))


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
