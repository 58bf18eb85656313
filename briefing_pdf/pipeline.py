"""The build pipeline: file → model → theme → checks → PDF bytes → file.

No printing here (only the CLI prints) and no ReportLab import at module
level, so ``validate`` stays fast.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from .brand import Theme, brand_for, make_theme
from .errors import BriefingError
from .standards import DEFAULT_STANDARD, check_standard
from .load import Loaded, load_issue
from .model import Issue
from .text import check_issue_text


@dataclass
class Checked:
    """An issue that passed every check and can be rendered."""

    issue: Loaded[Issue]
    theme: Theme
    #: Things that do not stop the build but that a person should hear about.
    warnings: list = field(default_factory=list)


def check(path: Path | str, brand: Path | str | None = None, strict: bool = False) -> Checked:
    """Load and check an issue completely (schema, brand, fonts, glyphs, links, imprint).

    ``strict``: warnings (such as the placeholder imprint) are errors, for CI."""
    try:
        loaded = load_issue(path)
    except BriefingError as exc:
        # Report the brand's problems in the same run: every problem at once.
        raise BriefingError(exc.problems + _brand_problems(path, exc.data, brand), kind=exc.kind) from None
    brand_loaded = brand_for(loaded, Path(brand) if brand else None)
    theme = make_theme(loaded.model, brand_loaded)
    text_warnings: list = []
    problems = check_issue_text(loaded.model, loaded.source, theme.fonts, warnings=text_warnings)
    if theme.imprint is None:
        problems.append(loaded.source.problem(
            ("imprint",), "no imprint: give one in the issue (imprint:) or in its brand file"))
    if problems:
        raise BriefingError(problems)
    warnings = issue_warnings(loaded, brand_loaded, theme) + text_warnings
    if strict and warnings:
        raise BriefingError([replace(w, severity="error", message=w.message + " (an error with --strict)")
                              for w in warnings])
    return Checked(loaded, theme, warnings)


#: Said for every build that prints the built-in brand's fictional imprint.
PLACEHOLDER_IMPRINT = ("no imprint given, so the built-in placeholder (a fictional publisher) is printed as "
                       "the imprint; add imprint: to the issue or to its brand file")


def issue_warnings(loaded: Loaded[Issue], brand: Loaded, theme: Theme) -> list:
    """Warnings of a checked issue: the built-in placeholder imprint (fine for a
    first try and the samples, wrong for anything published)."""
    from .brand import logo_sliver_warning, uses_placeholder_imprint

    warnings = []
    if uses_placeholder_imprint(loaded.model, brand):
        w = loaded.source.problem(("imprint",), PLACEHOLDER_IMPRINT)
        warnings.append(replace(w, severity="warning"))
    sliver = logo_sliver_warning(theme.logo) if theme.logo is not None else None
    if sliver:
        warnings.append(replace(brand.source.problem(("logo",), sliver), severity="warning"))
    return warnings


def _brand_problems(issue_path: Path | str, data: object, override: Path | str | None) -> list:
    """Problems of the brand an issue that failed validation refers to (if it can be found)."""
    ref = override or (data.get("brand") if isinstance(data, dict) else None)
    if not isinstance(ref, (str, Path)):
        return []
    path = Path(ref) if override else Path(issue_path).parent / ref
    if not path.is_file():
        return []  # reported against the issue's `brand:` once the issue itself validates
    try:
        check_brand(path)
    except BriefingError as exc:
        return exc.problems
    return []


def check_brand(path: Path | str, strict: bool = False) -> list:
    """Check a brand file on its own: schema, fonts, logo and its text; returns its
    warnings (a sliver logo), which ``strict`` turns into errors."""
    from .brand import check_brand_files, logo_sliver_warning
    from .load import load_brand

    brand = load_brand(path)
    _fonts, logo = check_brand_files(brand)
    sliver = logo_sliver_warning(logo) if logo is not None else None
    warnings = [replace(brand.source.problem(("logo",), sliver), severity="warning")] if sliver else []
    if strict and warnings:
        raise BriefingError([replace(w, severity="error", message=w.message + " (an error with --strict)")
                             for w in warnings])
    return warnings


@dataclass
class BuildResult:
    output: Path
    pages: int
    warnings: list = field(default_factory=list)


def build(path: Path | str, output: Path | str, brand: Path | str | None = None,
          standard: str = DEFAULT_STANDARD, strict: bool = False) -> BuildResult:
    """Check, render and atomically write one issue (``standard``: see :mod:`briefing_pdf.standards`)."""
    from .render import render

    check_standard(standard)
    checked = check(path, brand, strict)
    rendered = render(checked.issue.model, checked.theme, standard=standard)
    write_atomic(Path(output), rendered.pdf)
    return BuildResult(Path(output), rendered.pages, checked.warnings)


def write_atomic(target: Path, data: bytes) -> None:
    """Write to a temporary file beside ``target``, then rename it into place.

    A failure at any point (full disk, permissions) leaves an existing file
    untouched and no temporary file behind.
    """
    display = str(target)
    if target.is_dir():
        raise BriefingError.single("output path is a directory; give a file name ending in .pdf",
                                   file=display, kind="usage")
    directory = target.parent if str(target.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in (directory, *directory.parents) if p.exists() and not p.is_dir()), None)
        reason = f"{blocker} is a file, not a folder" if blocker is not None else exc.strerror or str(exc)
        raise BriefingError.single(f"cannot create output directory {directory}: {reason}",
                                   file=display) from None
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise BriefingError.single(f"cannot write the PDF: {reason}", file=display) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
