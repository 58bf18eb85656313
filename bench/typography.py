"""Typography figures of every sample issue: ReportLab's greedy breaker vs ours.

Builds each ``issues/*.yaml`` twice in-process — once with ReportLab's own
Paragraph (greedy, pyphen hyphenation: "before") and once with briefing-pdf's
whole-paragraph breaker ("after") — runs ``pdfcheck.py`` on both and prints a
side-by-side table; ``--write`` stores it as docs/typography.md. Also times
both layouts (median of repeated in-process builds) for the cost ratio.

    python bench/typography.py [--write] [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing_pdf.batch import discover  # noqa: E402
from briefing_pdf.fonts import shipped_font_dir  # noqa: E402
from briefing_pdf.pipeline import check  # noqa: E402
from briefing_pdf.reference import reference_text  # noqa: E402
from briefing_pdf.render import render  # noqa: E402

FIGURES = [  # (label, path in pdfcheck's JSON, target)
    ("pages", ("structure", "pages"), ""),
    ("body lines", ("typography", "body_lines"), ""),
    ("loose lines (> 2× natural space)", ("typography", "stretch", "loose_lines"), "≤ 2"),
    ("worst stretch", ("typography", "stretch", "max"), "≤ 2.5"),
    ("p95 stretch", ("typography", "stretch", "p95"), ""),
    ("longest hyphen ladder", ("typography", "max_consecutive_hyphens"), "≤ 2"),
    ("hyphenated line ends", ("typography", "hyphen_share"), "≤ 25 %"),
    ("breaks the reference patterns reject", ("hyphenation", "bad_breaks"), "0"),
    ("overfull lines", ("typography", "overfull_lines"), "0"),
    ("widows", ("typography", "widows"), "0"),
    ("orphans", ("typography", "orphans"), "0"),
    ("stranded headings", ("typography", "stranded_headings"), "0"),
    ("headings with one line below", ("typography", "headings_one_line_below"), "0"),
    ("visible hyphens as soft hyphens", ("glyphs", "soft_hyphen_midline"), "0"),
    ("missing glyphs (tofu)", ("glyphs", "notdef"), "0"),
    ("words in reading order (recall)", ("text", "recall"), "≥ 0.99"),
    ("kern pairs applied, body", ("kerning", "body", "share_kerned"), "≥ 0.95"),
    ("kern pairs applied, headings", ("kerning", "headings", "share_kerned"), "≥ 0.95"),
    ("protrusion detected", ("typography", "protrusion_detected"), "yes"),
]


def pdfcheck_path() -> Path:
    env = os.environ.get("PDFCHECK")
    candidates = [Path(env)] if env else []
    candidates += [ROOT.parent / "shared" / "tools" / "pdfcheck.py"]
    for c in candidates:
        if c.is_file():
            return c
    sys.exit("pdfcheck.py not found: set PDFCHECK=/path/to/pdfcheck.py")


def measure(pdf: Path, reference: Path) -> dict:
    # --font-dir: the kern data of the embedded subsets come from the shipped fonts
    out = subprocess.run([sys.executable, str(pdfcheck_path()), str(pdf), "--json", "--reference", str(reference),
                          "--font-dir", str(shipped_font_dir())],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def pick(report: dict, path: tuple) -> object:
    value: object = report
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def fmt(value: object, label: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if label.startswith("hyphenated"):
        return f"{float(value) * 100:.0f} %"
    if isinstance(value, float):
        return f"{value:.3f}" if label.startswith("words") else f"{value:.2f}"
    return str(value)


def build_both(source: Path, folder: Path, runs: int) -> dict:
    from reportlab.platypus import Paragraph

    checked = check(source)
    issue, theme = checked.issue.model, checked.theme
    reference = folder / f"{source.stem}.txt"
    reference.write_text(reference_text(issue, theme), encoding="utf-8")
    result = {}
    for mode, factory in (("greedy", Paragraph), ("ours", None)):
        render(issue, theme, factory)  # warm-up: fonts, hyphenation dictionary
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            rendered = render(issue, theme, factory)
            times.append(time.perf_counter() - start)
        pdf = folder / f"{source.stem}-{mode}.pdf"
        pdf.write_bytes(rendered.pdf)
        result[mode] = {"report": measure(pdf, reference), "seconds": statistics.median(times)}
    return result


def table(stem: str, result: dict) -> list[str]:
    lines = [f"### {stem}", "", "| figure | before: ReportLab greedy + pyphen | after: briefing-pdf | target |",
             "|---|---|---|---|"]
    for label, path, target in FIGURES:
        before = fmt(pick(result["greedy"]["report"], path), label)
        after = fmt(pick(result["ours"]["report"], path), label)
        lines.append(f"| {label} | {before} | {after} | {target} |")
    g, o = result["greedy"]["seconds"], result["ours"]["seconds"]
    lines.append(f"| layout time, in-process median | {g * 1000:.0f} ms | {o * 1000:.0f} ms | ≤ 2× greedy "
                 f"(here {o / g:.2f}×) |")
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write docs/typography.md")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sections = []
    with tempfile.TemporaryDirectory() as tmp:
        # The samples, and the stress issues written unlike them (tests/data/stress).
        for source in [*discover(ROOT / "issues"), *discover(ROOT / "tests" / "data" / "stress")]:
            result = build_both(source, Path(tmp), args.runs)
            sections += table(source.stem, result)
    text = "\n".join(sections)
    print(text)
    if args.write:
        doc = ROOT / "docs" / "typography.md"
        head = doc.read_text(encoding="utf-8").split("<!-- figures -->")[0] if doc.exists() else "# Typography\n\n"
        doc.write_text(f"{head}<!-- figures -->\n\nMeasured {dt.date.today().isoformat()} with "
                       f"`make typography` (pdfcheck.py on each sample, both layouts built in-process).\n\n"
                       f"{text}", encoding="utf-8")


if __name__ == "__main__":
    main()
