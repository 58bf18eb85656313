"""Acceptance figures of issues 8 and 9 on content nobody tuned the layout for.

Builds every issue in ``tests/data/stress/`` (German pharma briefing, English
North Asia briefing, English Baltic briefing with its own brand), the eight
METRIX variants in ``tests/data/stress/variants/`` and the samples in
``issues/``, then prints one table per file with the "done when" figures of
issue 8 and the PDF/UA summary line of issue 9:

* from ``../shared/tools/pdfcheck.py --json --font-dir fonts/ --reference``:
  loose lines, worst stretch, hyphen ladder, hyphenated line ends, bad breaks
  (reference TeX patterns), kerning share in body and headings, protrusion,
  overfull lines, widows, orphans, stranded headings;
* measured here on the PDF with pdfplumber (glyph positions, not internal
  state), because pdfcheck has no figure for them:
  - the METRIX value on one line (its glyphs share one baseline);
  - avoidable heading hyphenations: a heading-like line (≥ 1.08 × body size,
    all-bold, or a contents entry) ends in a discretionary hyphen although the
    whole word is narrower than the column;
  - splits of things that belong together at a line end: a short CJK run
    (≤ 6 characters, e.g. "(王文 / 涛)"), number and unit or currency
    ("50 / %", "US$ / 4,7", "120 / 000"), dates ("30. / November",
    "(27 / Nov 2026)"), titles and initials ("Dr." / "Prof." / "Nr." / "No." /
    "§" / "J." at a line end);
  - imprint keeps: a person's name and role in different columns, and the
    publisher block (label, name, address, phone, e-mail, web) spread over
    more than one column;
* from ``../shared/tools/pdfua.py --profile all``: its summary line.

Usage (from the repository root, after ``make pdfs`` created .venv)::

    .venv/bin/python bench/acceptance.py                 # all files, tables + summary
    .venv/bin/python bench/acceptance.py FILE.yaml ...   # only these issue files
    .venv/bin/python bench/acceptance.py --json          # machine-readable report
    .venv/bin/python bench/acceptance.py --keep out/acceptance   # keep PDFs and reference texts
    .venv/bin/python bench/acceptance.py --no-pdfua      # skip the PDF/UA checker (faster)

``../shared`` is found next to the repository root (or set ``SHARED_TOOLS``
to the folder holding pdfcheck.py and pdfua.py); without pdfcheck the
pdfcheck figures are reported as missing with a clear message, the figures
measured here still appear. The exit code is always 0: this is a report,
not a gate. Each figure shows its target from issue 8 and ``ok``/``FAIL``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STRESS = ROOT / "tests" / "data" / "stress"

# --------------------------------------------------------------------------- files and tools


def default_sources() -> list[Path]:
    """Stress issues, then variants, then the samples (brand files excluded)."""
    def issues_in(folder: Path) -> list[Path]:
        return sorted(p for p in folder.glob("*.yaml") if not p.name.endswith(".brand.yaml"))
    return issues_in(STRESS) + issues_in(STRESS / "variants") + issues_in(ROOT / "issues")


def shared_tool(name: str) -> Path | None:
    """``../shared/tools/<name>`` relative to the repository root, or $SHARED_TOOLS/<name>."""
    folders = [Path(os.environ["SHARED_TOOLS"])] if os.environ.get("SHARED_TOOLS") else []
    folders.append(ROOT.parent / "shared" / "tools")
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    return None


def label_of(source: Path) -> str:
    try:
        return str(source.resolve().relative_to(ROOT))
    except ValueError:
        return str(source)


# --------------------------------------------------------------------------- build


@dataclass
class Built:
    pdf: Path
    reference: Path
    pages: int
    metrix_value: str | None
    imprint: object  # briefing_pdf.model.Imprint
    labels: dict
    font_dirs: list[Path]


def build(source: Path, folder: Path) -> Built:
    """Check and render one issue in-process; raises BriefingError on bad input."""
    from briefing_pdf.pipeline import check
    from briefing_pdf.reference import reference_text
    from briefing_pdf.render import render

    checked = check(source)
    issue, theme = checked.issue.model, checked.theme
    stem = source.stem
    rendered = render(issue, theme)
    pdf = folder / f"{stem}.pdf"
    pdf.write_bytes(rendered.pdf)
    reference = folder / f"{stem}.txt"
    reference.write_text(reference_text(issue, theme), encoding="utf-8")
    faces = list(theme.fonts.faces.values()) + list(theme.fonts.fallback)
    dirs = [ROOT / "fonts"] + sorted({f.path.parent for f in faces} - {ROOT / "fonts"})
    return Built(pdf, reference, rendered.pages, issue.metrix.value if issue.metrix else None,
                 theme.imprint, dict(theme.labels), [d for d in dirs if d.is_dir()])


def run_pdfcheck(built: Built) -> tuple[dict | None, str | None]:
    tool = shared_tool("pdfcheck.py")
    if tool is None:
        return None, "pdfcheck.py not found (../shared/tools/ or $SHARED_TOOLS): its figures are skipped"
    cmd = [sys.executable, str(tool), str(built.pdf), "--json", "--reference", str(built.reference)]
    for d in built.font_dirs:
        cmd += ["--font-dir", str(d)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        return None, f"pdfcheck failed: {proc.stderr.strip().splitlines()[-1:]}"
    return json.loads(proc.stdout), None


def run_pdfua(pdf: Path) -> str:
    tool = shared_tool("pdfua.py")
    if tool is None:
        return "pdfua.py not found (../shared/tools/ or $SHARED_TOOLS): skipped"
    proc = subprocess.run([sys.executable, str(tool), str(pdf), "--profile", "all"], capture_output=True, text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("pdfua:")]
    return lines[-1] if lines else f"pdfua gave no summary (exit {proc.returncode})"


# --------------------------------------------------------------------------- lines from the PDF


@dataclass
class Line:
    """One text line as drawn: glyphs on one baseline, not interrupted by a column gap."""

    page: int
    col: str  # "L", "R" or "S" (spanning the gutter)
    x0: float
    x1: float
    base: float  # baseline, distance from the page top
    size: float  # most common glyph size
    bold: bool  # every non-space glyph bold
    text: str
    glyphs: list = field(repr=False)  # non-space pdfplumber chars, left to right


def _is_bold(fontname: str) -> bool:
    return "bold" in fontname.lower() or "black" in fontname.lower()


def _segments(row: list[dict]) -> list[list[dict]]:
    """Split one baseline row at gaps wider than a column gutter could be a word space."""
    row = sorted(row, key=lambda c: c["x0"])
    out: list[list[dict]] = [[row[0]]]
    for prev, c in zip(row, row[1:]):
        gap = c["x0"] - prev["x1"]
        if gap > max(12.0, 1.3 * max(c["size"], prev["size"])) and prev["text"] != "." and c["text"] != ".":
            out.append([c])
        else:
            out[-1].append(c)
    return out


def _line(page_no: int, seg: list[dict], gutter: float, page_height: float) -> Line | None:
    ink = [c for c in seg if c["text"].strip()]
    if not ink:
        return None
    text, prev = "", None
    for c in seg:
        if c["text"].isspace() or not c["text"]:
            text += " "
        else:
            if prev is not None and c["x0"] - prev["x1"] > 0.2 * c["size"]:
                text += " "
            text += c["text"]
        prev = c
    text = re.sub(r"\s+", " ", text).strip()
    x0, x1 = min(c["x0"] for c in ink), max(c["x1"] for c in ink)
    col = "L" if x1 <= gutter + 1 else "R" if x0 >= gutter - 1 else "S"
    size = statistics.mode(round(c["size"], 1) for c in ink)
    base = page_height - statistics.median(c["matrix"][5] for c in ink)
    return Line(page_no, col, x0, x1, base, size, all(_is_bold(c["fontname"]) for c in ink), text, ink)


def extract_lines(pdf_path: Path, gutter_hint: float | None) -> list[Line]:
    """Every text line in reading order, running footers removed. A page is cut into bands
    at section bands and full-width rules; in each band: spanning lines, left column, right
    column (a spanning line also starts a new band)."""
    import pdfplumber

    lines: list[Line] = []
    by_page: list[list[Line]] = []
    cuts: list[list[float]] = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        for page_no, page in enumerate(pdf.pages, 1):
            chars = [c for c in page.chars if c.get("upright", True)]
            gutter = gutter_hint or float(page.width) / 2
            rows: list[list[dict]] = []
            for c in sorted(chars, key=lambda c: (-c["matrix"][5], c["x0"])):
                if rows and abs(rows[-1][0]["matrix"][5] - c["matrix"][5]) <= 1.0:
                    rows[-1].append(c)
                else:
                    rows.append([c])
            page_lines = [ln for row in rows for seg in _segments(row)
                          if (ln := _line(page_no, seg, gutter, float(page.height))) is not None]
            by_page.append(page_lines)
            cuts.append(_band_cuts(page, gutter))
    furniture = _running_rows(by_page)
    for page_lines, page_cuts in zip(by_page, cuts):
        kept = [ln for ln in page_lines if (ln.page, round(ln.base)) not in furniture]
        for top, bottom in zip([-1.0] + page_cuts, page_cuts + [1e9]):
            lines += _reading_order([ln for ln in kept if top < ln.base <= bottom])
    return lines


def _band_cuts(page, gutter: float) -> list[float]:
    """Heights where a new band starts across both columns: a section band (a short, dark,
    column-wide filled rectangle starting in the left column) or a rule across the gutter.
    Callout tints (tall or light) do not cut: text flows past them."""
    cuts = []
    for r in page.rects:
        height, width = r["bottom"] - r["top"], r["x1"] - r["x0"]
        fill = r.get("non_stroking_color")
        light = isinstance(fill, (tuple, list)) and len(fill) == 3 and sum(fill) / 3 > 0.8
        if 6 <= height <= 30 and width >= 150 and r["x0"] < gutter - 20 and not light:
            cuts.append(float(r["top"]))
    for ln in page.lines:
        if abs(ln["bottom"] - ln["top"]) < 2 and ln["x0"] < gutter - 20 and ln["x1"] > gutter + 20:
            cuts.append(float(ln["top"]))
    return sorted(set(round(c, 1) for c in cuts))


def _running_rows(by_page: list[list[Line]]) -> set[tuple[int, int]]:
    """(page, baseline) of rows whose text, digits ignored, recurs at the same height on half the pages."""
    seen: dict[tuple[int, str], set[int]] = {}
    for page_lines in by_page:
        for ln in page_lines:
            seen.setdefault((round(ln.base), re.sub(r"\d+", "#", ln.text)), set()).add(ln.page)
    need = max(2, (len(by_page) + 1) // 2)
    return {(p, key[0]) for key, pages in seen.items() if len(pages) >= need for p in pages}


def _reading_order(page_lines: list[Line]) -> list[Line]:
    out: list[Line] = []
    band: dict[str, list[Line]] = {"L": [], "R": []}

    def flush() -> None:
        out.extend(sorted(band["L"], key=lambda ln: ln.base))
        out.extend(sorted(band["R"], key=lambda ln: ln.base))
        band["L"], band["R"] = [], []

    for ln in sorted(page_lines, key=lambda ln: (ln.base, ln.x0)):
        if ln.col == "S":
            flush()
            out.append(ln)
        else:
            band[ln.col].append(ln)
    flush()
    return out


# --------------------------------------------------------------------------- figures measured here


def _nospace(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFC", text) if not ch.isspace())


def metrix_lines(pdf_path: Path, value: str | None) -> dict:
    """On how many baselines the METRIX value is drawn: its glyphs are found as the
    largest-size run of glyphs whose text (spaces ignored) equals the value."""
    import pdfplumber

    if value is None:
        return {"value": None, "lines": None, "detail": "no METRIX"}
    want = _nospace(value)
    with pdfplumber.open(str(pdf_path)) as pdf:
        for page in pdf.pages:
            chars = [c for c in page.chars if c["text"].strip()]
            for size in sorted({round(c["size"], 1) for c in chars}, reverse=True):
                run = [c for c in chars if round(c["size"], 1) == size]
                text = "".join(unicodedata.normalize("NFC", c["text"]) for c in run)
                at = text.find(want)
                if at < 0 or size < 12:
                    continue
                glyphs = run[at:at + len(want)]
                bases: list[float] = []
                for c in glyphs:
                    if not any(abs(b - c["matrix"][5]) <= 1.0 for b in bases):
                        bases.append(c["matrix"][5])
                parts = [ "".join(c["text"] for c in glyphs if abs(c["matrix"][5] - b) <= 1.0) for b in bases]
                return {"value": value, "lines": len(bases), "size_pt": size, "page": page.page_number,
                        "detail": " / ".join(parts)}
    return {"value": value, "lines": None, "detail": "value not found in the PDF at ≥ 12 pt"}


_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3131-\u318e\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
                  r"\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]")
_MONTHS = {m.lower() for m in (
    "Januar Februar März Maerz April Mai Juni Juli August September Oktober November Dezember "
    "January February March June July October December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Okt Dez").split()}
_UNITS = {"%", "‰", "MW", "GW", "kW", "TW", "MWh", "GWh", "TWh", "kWh", "kV", "km", "m", "cm", "mm", "nm", "kg",
          "t", "g", "mg", "ml", "l", "ha", "°C", "Mrd.", "Mrd", "Mio.", "Mio", "Tsd.", "bn", "trn", "tn", "€", "$",
          "¥", "₩", "£", "zł", "pp", "Pp."}
_CURRENCY = {"€", "US$", "$", "¥", "₩", "£", "zł", "CHF", "EUR", "USD"}
_TITLES = {"Dr.", "Prof.", "Nr.", "No.", "§", "§§"}
_NUMBER = re.compile(r"^\(?[−\-+±~≈<>]?\d[\d.,]*$")


_RUN = re.compile(r"[\d\s,.:;、。，：；・ー\u3000-\u303f\uff01-\uff65]")


def _cjk_run(a: str, b: str) -> int:
    """CJK characters in the run across the break between ``a`` and ``b``. The run extends
    over CJK characters, digits, spaces and CJK punctuation, and stops at Latin letters,
    brackets and quotes: "(王文|涛)" is 3, a Korean or Chinese title in a note is long."""
    count, i = 0, len(a) - 1
    while i >= 0 and (_CJK.match(a[i]) or _RUN.match(a[i])):
        count += bool(_CJK.match(a[i]))
        i -= 1
    i = 0
    while i < len(b) and (_CJK.match(b[i]) or _RUN.match(b[i])):
        count += bool(_CJK.match(b[i]))
        i += 1
    return count


def _tokens(text: str) -> list[str]:
    return text.split(" ") if text else []


def _strip(tok: str) -> str:
    return tok.strip("()[]„“”\"'‚‘’,;:!?")


def split_kind(end: Line, start: Line) -> str | None:
    """Why the break between ``end`` and the following flow line ``start`` splits a unit, or None."""
    a, b = end.text, start.text
    if not a or not b or re.search(r"\.{4,}", a):
        return None
    # Short CJK runs: a break inside (or right after the "(" of) a stand-alone CJK run.
    if _CJK.match(b[0]) and (_CJK.match(a[-1]) or a.endswith("(")) and _cjk_run(a, b) <= 6:
        return "cjk"
    ta, tb = _tokens(a), _tokens(b)
    last, first = ta[-1], tb[0]
    prev = ta[-2] if len(ta) > 1 else ""
    last_s, first_s = _strip(last), first.rstrip(",;:!?)")
    # Titles, abbreviations before a name or number, paragraph signs, initials.
    if last_s in _TITLES or last in _TITLES:
        return "title"
    if re.fullmatch(r"[A-ZÀ-ÝĀ-Ž]\.", last_s) and first[:1].isupper():
        return "title"
    # Dates: day | month, and day month | year.
    day = re.fullmatch(r"\(?(\d{1,2})\.?", last)
    if day and 1 <= int(day.group(1)) <= 31 and _strip(first).rstrip(".").lower() in _MONTHS:
        return "date"
    if (_strip(last).rstrip(".").lower() in _MONTHS and re.fullmatch(r"\(?\d{1,2}\.?", prev)
            and re.fullmatch(r"\d{4}\)?[.,;:]?", first)):
        return "date"
    # Numbers with units, per cent and currency; digit groups.
    if _NUMBER.match(last.rstrip(",")) and not last.endswith(","):
        if first_s in _UNITS or first[:1] in "%‰":
            return "number"
        if re.fullmatch(r"\d{1,3}", last.lstrip("(")) and re.fullmatch(r"\d{3}([.,]\d+)?[)%.,;:]?", first):
            return "number"
    if last_s in _CURRENCY and first[:1].isdigit():
        return "number"
    return None


def splits(lines: list[Line]) -> dict:
    found: dict[str, list[str]] = {"cjk": [], "number": [], "date": [], "title": []}
    for end, start in zip(lines, lines[1:]):
        kind = split_kind(end, start)
        if kind:
            found[kind].append(f"p{end.page}: …{end.text[-24:]} | {start.text[:24]}…")
    return found


def _body_size(lines: list[Line]) -> float:
    sizes = [ln.size for ln in lines for _ in ln.glyphs]
    return statistics.mode(sizes) if sizes else 10.0


def _toc_lines(lines: list[Line]) -> set[int]:
    """Indexes of contents entries: lines ending in dot leaders and a page number, and the
    lines of the same entry above them (a wrapped entry)."""
    out: set[int] = set()
    for i, ln in enumerate(lines):
        if re.search(r"\.{4,}\s*\d+$", ln.text):
            out.add(i)
            j = i - 1
            while j >= 0 and j not in out and lines[j].page == ln.page and lines[j].col == ln.col \
                    and ln.base - lines[j].base < 3 * ln.size and not re.search(r"\.{4,}", lines[j].text):
                out.add(j)
                j -= 1
    return out


def heading_hyphenations(lines: list[Line], reference: str, edges: dict | None,
                         body: float | None) -> dict:
    """Heading-like lines that end in a discretionary hyphen; 'avoidable' when the whole word
    (measured from the drawn glyph advances) is narrower than the line's column."""
    body = body or _body_size(lines)
    toc = _toc_lines(lines)
    width = _measures(lines, edges)
    total, avoidable, short = [], [], []
    for i, (ln, nxt) in enumerate(zip(lines, lines[1:])):
        heading = ln.size >= 1.08 * body or ln.bold or i in toc
        if not heading or len(ln.glyphs) < 2:
            continue
        if ln.glyphs[-1]["text"] not in "-\u2010\u00ad" or not ln.glyphs[-2]["text"].isalpha():
            continue
        frag = ln.text.rsplit(" ", 1)[-1][:-1]
        cont = re.match(r"[^\s,.;:!?)\"“”]+", nxt.text)
        if not cont:
            continue
        cont_text = cont.group(0)
        if cont_text[:1].isupper() or f"{frag}-{cont_text}" in reference:
            continue  # a break after a hyphen that belongs to the text (EU-|Kommission)
        word_w = sum(c["x1"] - c["x0"] for c in ln.glyphs[-1 - len(frag):-1]) + \
            sum(c["x1"] - c["x0"] for c in nxt.glyphs[:len(cont_text)])
        entry = f"p{ln.page}: {frag}-|{cont_text} ({word_w:.0f} of {width[ln.col]:.0f} pt)"
        total.append(entry)
        if word_w <= width[ln.col]:
            avoidable.append(entry)
        if min(len(re.sub(r"\W", "", frag)), len(re.sub(r"\W", "", cont_text))) < 4:
            short.append(entry)
    return {"all": total, "avoidable": avoidable, "short_fragment": short}


def _measures(lines: list[Line], edges: dict | None) -> dict[str, float]:
    """Column and page measures, from pdfcheck's column edges when known."""
    if edges and "L" in edges and "R" in edges:
        left = edges["L"]["right"] - edges["L"]["left"]
        right = edges["R"]["right"] - edges["R"]["left"]
        return {"L": left, "R": right, "S": edges["R"]["right"] - edges["L"]["left"]}
    def mode(values: list[float]) -> float:
        return statistics.mode(round(v) for v in values) if values else 0.0
    full = {c: [ln for ln in lines if ln.col == c and len(ln.glyphs) >= 30] for c in "LR"}
    left = {c: mode([ln.x0 for ln in full[c]]) for c in "LR"}
    right = {c: mode([ln.x1 for ln in full[c]]) for c in "LR"}
    return {"L": right["L"] - left["L"], "R": right["R"] - left["R"], "S": right["R"] - left["L"]}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _find_last(lines: list[Line], pred) -> int | None:
    for i in range(len(lines) - 1, -1, -1):
        if pred(lines[i]):
            return i
    return None


def imprint_keeps(lines: list[Line], imprint, labels: dict) -> dict:
    """Name/role pairs whose role starts in another column or page than the name, and
    whether the publisher block (label to last contact line) sits in one column."""
    result = {"people_with_role": 0, "name_role_splits": [], "not_found": [], "publisher_columns": None,
              "publisher_detail": ""}
    if imprint is None:
        return result
    for group in imprint.groups:
        for person in group.people:
            if not person.role:
                continue
            result["people_with_role"] += 1
            name, role = _norm(person.name), _norm(person.role)
            i = _find_last(lines, lambda ln, name=name: _norm(ln.text) == name)
            if i is None:
                i = _find_last(lines, lambda ln, name=name: ln.bold and len(ln.text) >= 6
                               and name.startswith(_norm(ln.text).rstrip("-")))
            j = None
            if i is not None:
                j = next((k for k in range(i + 1, min(i + 4, len(lines)))
                          if role.startswith(_norm(lines[k].text).rstrip("-\u00ad")) and lines[k].text), None)
            if i is None or j is None:
                result["not_found"].append(person.name)
                continue
            a, b = lines[i], lines[j]
            if (a.page, a.col) != (b.page, b.col):
                result["name_role_splits"].append(f"{person.name}: p{a.page} {a.col} → p{b.page} {b.col}")
    pub = imprint.publisher
    wanted = [_norm(pub.name)] + [_norm(x) for x in pub.address]
    idx: list[int] = []
    label = labels.get("publisher")
    for text in wanted:
        k = _find_last(lines, lambda ln, t=text: _norm(ln.text) == t or
                       (len(ln.text) >= 8 and t.startswith(_norm(ln.text).rstrip("-\u00ad"))))
        if k is not None:
            idx.append(k)
    for needle in (pub.phone, pub.email, pub.web):
        if needle:
            k = _find_last(lines, lambda ln, t=_norm(needle): t in _norm(ln.text))
            if k is not None:
                idx.append(k)
    if idx and label:
        k = _find_last(lines[:min(idx) + 1], lambda ln: _norm(ln.text).lower() == _norm(label).lower())
        if k is not None and min(idx) - k <= 2:
            idx.append(k)
    if idx:
        spots = sorted({(lines[k].page, lines[k].col) for k in range(min(idx), max(idx) + 1)})
        result["publisher_columns"] = len(spots)
        result["publisher_detail"] = ", ".join(f"p{p} {c}" for p, c in spots)
    return result


# --------------------------------------------------------------------------- the report


def pick(report: dict | None, *path: str):
    value = report
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def evaluate(source: Path, folder: Path, with_pdfua: bool) -> dict:
    """Every figure of one issue file, each as (value, target, ok)."""
    from briefing_pdf.errors import BriefingError

    entry: dict = {"file": label_of(source)}
    try:
        built = build(source, folder)
    except BriefingError as exc:
        entry["error"] = f"build failed: {exc}"
        return entry
    entry["pages"] = built.pages
    check, note = run_pdfcheck(built)
    if note:
        entry["note"] = note
    edges = pick(check, "typography", "column_edges")
    gutter = (edges["L"]["right"] + edges["R"]["left"]) / 2 if edges and "L" in edges and "R" in edges else None
    lines = extract_lines(built.pdf, gutter)
    reference = built.reference.read_text(encoding="utf-8")
    metrix = metrix_lines(built.pdf, built.metrix_value)
    heads = heading_hyphenations(lines, reference, edges, pick(check, "typography", "body_size_pt"))
    split = splits(lines)
    keeps = imprint_keeps(lines, built.imprint, built.labels)

    figures: list[dict] = []

    def add(name: str, value, target: str, ok, detail=None) -> None:
        figures.append({"figure": name, "value": value, "target": target, "ok": ok,
                        **({"detail": detail} if detail else {})})

    add("METRIX value on one line", metrix["lines"], "1 line",
        None if built.metrix_value is None else metrix["lines"] == 1,
        f"{metrix['value']!r}: {metrix['detail']}")
    add("avoidable heading hyphenations", len(heads["avoidable"]), "0", not heads["avoidable"],
        heads["avoidable"] or None)
    add("heading hyphenations (all / fragment < 4 letters)",
        f"{len(heads['all'])} / {len(heads['short_fragment'])}", "info", None,
        [x for x in heads["all"] if x not in heads["avoidable"]] or None)
    for kind, name in (("cjk", "short CJK runs split"), ("number", "number+unit/currency split"),
                       ("date", "dates split"), ("title", "titles/initials split")):
        add(name, len(split[kind]), "0", not split[kind], split[kind] or None)
    add("name/role splits (imprint)", len(keeps["name_role_splits"]), "0",
        not keeps["name_role_splits"] if keeps["people_with_role"] else None,
        (keeps["name_role_splits"] + [f"not found: {n}" for n in keeps["not_found"]]) or None)
    pubcols = keeps["publisher_columns"]
    add("publisher block in one column", pubcols, "1", None if pubcols is None else pubcols == 1,
        keeps["publisher_detail"] or None)

    def num(path: tuple, name: str, target: str, test) -> None:
        value = pick(check, *path)
        add(name, value, target, None if value is None else test(value))

    num(("typography", "stretch", "loose_lines"), "loose lines", "≤ 2", lambda v: v <= 2)
    num(("typography", "stretch", "max"), "worst stretch", "≤ 2.5", lambda v: v <= 2.5)
    num(("typography", "max_consecutive_hyphens"), "hyphen ladder", "≤ 2", lambda v: v <= 2)
    num(("typography", "hyphen_share"), "hyphenated line ends (share)", "≤ 0.25", lambda v: v <= 0.25)
    num(("hyphenation", "bad_breaks"), "bad breaks (reference patterns)", "0", lambda v: v == 0)
    if figures[-1]["value"]:
        figures[-1]["detail"] = [f"p{b['page']} {b['where']}: {b['break']} ({b['reference']})"
                                 for b in pick(check, "hyphenation", "bad_list") or []]
    num(("kerning", "body", "share_kerned"), "kerning share body", "≥ 0.95", lambda v: v >= 0.95)
    num(("kerning", "headings", "share_kerned"), "kerning share headings", "≥ 0.95", lambda v: v >= 0.95)
    num(("typography", "protrusion_detected"), "protrusion detected", "yes", bool)
    num(("typography", "overfull_lines"), "overfull lines", "0", lambda v: v == 0)
    num(("typography", "widows"), "widows", "0", lambda v: v == 0)
    num(("typography", "orphans"), "orphans", "0", lambda v: v == 0)
    num(("typography", "stranded_headings"), "stranded headings", "0", lambda v: v == 0)
    if figures[-1]["value"]:
        figures[-1]["detail"] = [str(x) for x in pick(check, "typography", "stranded_heading_list") or []]
    num(("text", "recall"), "text recall (reading order)", "info", lambda v: None)
    entry["figures"] = figures
    entry["pdfua"] = run_pdfua(built.pdf) if with_pdfua else "skipped (--no-pdfua)"
    return entry


def fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def print_entry(entry: dict, details: bool) -> None:
    print(f"\n## {entry['file']}" + (f"  ({entry['pages']} pages)" if "pages" in entry else ""))
    if "error" in entry:
        print(f"   {entry['error']}")
        return
    if entry.get("note"):
        print(f"   note: {entry['note']}")
    width = max(len(f["figure"]) for f in entry["figures"])
    for f in entry["figures"]:
        mark = {True: "ok", False: "FAIL", None: ""}[f["ok"]]
        print(f"   {f['figure']:<{width}}  {fmt(f['value']):>8}  {f['target']:<7} {mark}")
        detail = f.get("detail")
        if details and detail:
            for item in (detail if isinstance(detail, list) else [detail])[:8]:
                print(f"   {'':<{width}}    · {item}")
            if isinstance(detail, list) and len(detail) > 8:
                print(f"   {'':<{width}}    · … {len(detail) - 8} more")
    print(f"   {entry['pdfua']}")


def print_summary(entries: list[dict]) -> None:
    print("\n## Summary: failed figures per file")
    for e in entries:
        if "error" in e:
            print(f"   {e['file']}: {e['error']}")
            continue
        failed = [f["figure"] for f in e["figures"] if f["ok"] is False]
        passed = sum(1 for f in e["figures"] if f["ok"] is True)
        print(f"   {e['file']}: {passed} ok, {len(failed)} FAIL" + (f" – {'; '.join(failed)}" if failed else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="issue files (default: stress, variants, samples)")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--keep", type=Path, help="write the PDFs and reference texts to this folder")
    parser.add_argument("--no-pdfua", action="store_true", help="skip ../shared/tools/pdfua.py")
    parser.add_argument("--brief", action="store_true", help="tables without the detail lines")
    args = parser.parse_args()
    sources = args.files or default_sources()
    entries = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for source in sources:
            entry = evaluate(source, folder, not args.no_pdfua)
            entries.append(entry)
            if not args.json:
                print_entry(entry, not args.brief)
                sys.stdout.flush()
    if args.json:
        print(json.dumps(entries, indent=1, ensure_ascii=False))
    else:
        print_summary(entries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
