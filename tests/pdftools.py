"""Helpers for tests that read the built PDFs (text, tokens, fonts, glyphs, links).

Kept independent of the package's own layout code: what a test expects is
computed from the issue *model* and the contract, what it finds is read from
the PDF with pypdfium2 / pikepdf / pypdf / fontTools.
"""

from __future__ import annotations

import difflib
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

# --------------------------------------------------------------------------- tokens

#: Han, kana, Hangul (syllables and jamo), CJK compatibility: one token per character.
CJK_CLASS = ("\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
             "\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uffdc")
CJK_RE = re.compile(f"[{CJK_CLASS}]")
TOKEN_RE = re.compile(f"[{CJK_CLASS}]|(?:(?![{CJK_CLASS}])[^\\W_])+")
#: A word broken at a line end: a hard hyphen before a line break, or a
#: soft-hyphen marker (U+00AD, or U+FFFE as pdfium reports generated hyphens).
_HARD_BREAK = re.compile(r"([^\W_]+)-[ \t]*\r?\n[ \t]*([^\W_]+)")
_SOFT_BREAK = re.compile(r"([^\W_]+)[\u00ad\ufffe][ \t]*(?:\r?\n)?[ \t]*([^\W_]+)")


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def tokens(text: str) -> list[str]:
    """Letter/digit runs, every CJK character a token of its own (NFKC, casefolded)."""
    return TOKEN_RE.findall(norm(text))


def join_hyphenated(text: str, vocabulary: set[str]) -> str:
    """Join ``xxx-\\nyyy`` to ``xxxyyy`` when the joined word is in ``vocabulary``.

    Soft-hyphen markers are dropped when the join is not a known word either
    (keeping the two halves as separate tokens), compounds such as
    ``GX-\\nETS`` keep their hyphen.
    """

    def hard(m: re.Match) -> str:
        joined = m.group(1) + m.group(2)
        return joined if norm(joined) in vocabulary else m.group(0)

    def soft(m: re.Match) -> str:
        joined = m.group(1) + m.group(2)
        return joined if norm(joined) in vocabulary else f"{m.group(1)}-{m.group(2)}"

    # Repeat: a line can end and start with a hyphenated word (``a-\nbc-\nd``).
    for _ in range(3):
        new = _SOFT_BREAK.sub(soft, _HARD_BREAK.sub(hard, text))
        if new == text:
            break
        text = new
    return text


def in_order_recall(expected: list[str], found: list[str]) -> float:
    """Share of ``expected`` tokens matched in order (difflib, autojunk off)."""
    if not expected:
        return 1.0
    matcher = difflib.SequenceMatcher(None, expected, found, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) / len(expected)


def missing_bag(expected: Iterable[str], found: Iterable[str]) -> Counter:
    """Tokens (with multiplicity) of ``expected`` that ``found`` lacks."""
    return Counter(expected) - Counter(found)


# --------------------------------------------------------------------------- text


def page_texts(pdf_path: Path) -> list[str]:
    """Per-page text in content-stream order (pypdfium2)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        out = []
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            out.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return out
    finally:
        doc.close()


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces (line breaks included)."""
    return re.sub(r"\s+", " ", text.replace("\ufffe", "-")).strip()


CONTENTS_LINE = re.compile(r"^(?P<title>.*?)\s*\.{3,}\s*(?P<page>\d+)\s*$")


def contents_entries(page_text: str) -> list[tuple[str, int]]:
    """``(title, page)`` of each ``Title ....... N`` line; wrapped titles are joined."""
    entries = []
    pending: list[str] = []
    started = False
    for line in page_text.splitlines():
        line = line.strip()
        m = CONTENTS_LINE.match(line)
        if m:
            started = True
            title = " ".join([*pending, m.group("title")]).strip()
            entries.append((title, int(m.group("page"))))
            pending = []
        elif started and line:
            pending.append(line)
        elif not started:
            pending = []
    return entries


# --------------------------------------------------------------------------- PDF structure


@dataclass
class LinkAnnot:
    page: int  # 1-based
    rect: tuple[float, float, float, float]
    uri: str | None = None
    dest_page: int | None = None  # 1-based, for internal links


def links(pdf_path: Path) -> list[LinkAnnot]:
    import pikepdf

    out = []
    with pikepdf.open(pdf_path) as pdf:
        page_index = {p.obj.objgen: i + 1 for i, p in enumerate(pdf.pages)}
        named = _named_dests(pdf)
        for i, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                rect = tuple(float(v) for v in annot.Rect)
                action = annot.get("/A")
                uri = None
                dest = annot.get("/Dest")
                if action is not None:
                    kind = action.get("/S")
                    if kind == "/URI":
                        uri = str(action.URI)
                    elif kind == "/GoTo":
                        dest = action.get("/D")
                target = None
                if dest is not None:
                    if isinstance(dest, (pikepdf.String, pikepdf.Name)):
                        dest = named.get(str(dest).lstrip("/"))
                    if dest is not None and isinstance(dest, pikepdf.Array) and len(dest):
                        target = page_index.get(dest[0].objgen)
                out.append(LinkAnnot(i + 1, rect, uri, target))
    return out


def _named_dests(pdf) -> dict:
    import pikepdf

    out = {}
    dests = pdf.Root.get("/Dests")
    if dests is not None:
        for k, v in dests.items():
            out[k.lstrip("/")] = v.get("/D", v) if isinstance(v, pikepdf.Dictionary) else v
    names = pdf.Root.get("/Names")
    if names is not None and "/Dests" in names:
        tree = pikepdf.NameTree(names.Dests)
        for k, v in tree.items():
            out[str(k)] = v.get("/D", v) if isinstance(v, pikepdf.Dictionary) else v
    return out


def text_in_rect(pdf_path: Path, page: int, rect: tuple[float, float, float, float]) -> str:
    """Text inside a rectangle (PDF user space) on a 1-based page."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        textpage = doc[page - 1].get_textpage()
        x0, y0, x1, y1 = rect
        return textpage.get_text_bounded(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    finally:
        doc.close()


def outline(pdf_path: Path) -> list[tuple[int, str, int]]:
    """Flattened outline: ``(level, title, page)`` with level 0 at the top."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf_path))
    out: list[tuple[int, str, int]] = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return out


# --------------------------------------------------------------------------- fonts and glyphs


@dataclass
class DrawnFont:
    """A font that draws glyphs, with what it draws."""

    base_font: str
    subtype: str
    embedded: bool
    font_program: bytes | None
    to_unicode: dict[int, str]
    codes: Counter = field(default_factory=Counter)


def _parse_tounicode(data: bytes) -> dict[int, str]:
    text = data.decode("latin-1")
    out: dict[int, str] = {}

    def uni(hexstr: str) -> str:
        raw = bytes.fromhex(hexstr)
        return raw.decode("utf-16-be", errors="replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = uni(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = int(dst, 16)
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(start + k)
    return out


def drawn_fonts(pdf_path: Path) -> dict[str, DrawnFont]:
    """Every font that draws text (keyed by BaseFont), with the codes it draws.

    Walks the page content streams (and form XObjects), follows ``Tf``, and
    records the byte codes of ``Tj``/``TJ``/``'``/``"`` strings. Handles the
    simple (one-byte) fonts ReportLab writes; Type0 fonts are recorded as
    two-byte codes.
    """
    import pikepdf

    fonts: dict[str, DrawnFont] = {}
    with pikepdf.open(pdf_path) as pdf:

        def font_record(fdict) -> DrawnFont:
            base = str(fdict.get("/BaseFont", "?")).lstrip("/")
            if base in fonts:
                return fonts[base]
            subtype = str(fdict.get("/Subtype", "")).lstrip("/")
            desc_holder = fdict
            if subtype == "Type0":
                desc_holder = fdict.DescendantFonts[0]
            desc = desc_holder.get("/FontDescriptor")
            program = None
            embedded = False
            if desc is not None:
                for key in ("/FontFile2", "/FontFile", "/FontFile3"):
                    if key in desc:
                        embedded = True
                        if key == "/FontFile2":
                            program = desc[key].read_bytes()
            tu = _parse_tounicode(fdict.ToUnicode.read_bytes()) if "/ToUnicode" in fdict else {}
            rec = DrawnFont(base, subtype, embedded, program, tu)
            fonts[base] = rec
            return rec

        def walk(content_owner, resources, seen):
            font_res = resources.get("/Font", {}) if resources is not None else {}
            xobjs = resources.get("/XObject", {}) if resources is not None else {}
            current = None
            two_byte = False
            for operands, op in pikepdf.parse_content_stream(content_owner):
                op = str(op)
                if op == "Tf":
                    fdict = font_res.get(str(operands[0]))
                    current = font_record(fdict) if fdict is not None else None
                    two_byte = current is not None and current.subtype == "Type0"
                elif op in ("Tj", "'", '"', "TJ") and current is not None:
                    items = operands[-1] if op != "TJ" else [o for o in operands[0]
                                                            if isinstance(o, pikepdf.String)]
                    if op != "TJ":
                        items = [items]
                    for s in items:
                        raw = bytes(s)
                        if two_byte:
                            codes = [int.from_bytes(raw[k:k + 2], "big") for k in range(0, len(raw) - 1, 2)]
                        else:
                            codes = list(raw)
                        current.codes.update(codes)
                elif op == "Do":
                    xo = xobjs.get(str(operands[0]))
                    if xo is not None and xo.get("/Subtype") == "/Form" and xo.objgen not in seen:
                        seen.add(xo.objgen)
                        walk(xo, xo.get("/Resources", resources), seen)

        for page in pdf.pages:
            walk(page, page.obj.get("/Resources"), set())
    return {k: v for k, v in fonts.items() if v.codes}


@lru_cache(maxsize=8)
def _ttfont(data: bytes):
    from fontTools.ttLib import TTFont

    return TTFont(io.BytesIO(data))


@dataclass
class GlyphReport:
    notdef: list[tuple[str, int, str]]  # (font, code, text)
    blank: list[tuple[str, int, str]]  # glyph without outline for a visible character
    drawn_chars: dict[str, set[str]]  # font → characters drawn with a real glyph


def glyph_report(fonts: dict[str, DrawnFont]) -> GlyphReport:
    """Resolve each drawn code of each simple TrueType font to the embedded glyph."""
    notdef, blank = [], []
    drawn: dict[str, set[str]] = {}
    for name, font in fonts.items():
        if font.subtype != "TrueType" or font.font_program is None:
            continue
        tt = _ttfont(font.font_program)
        cmap: dict[int, str] = {}
        for table in tt["cmap"].tables:
            for code, glyph in table.cmap.items():
                cmap.setdefault(code, glyph)
        glyf = tt["glyf"]
        for code in font.codes:
            text = font.to_unicode.get(code, "")
            glyph = cmap.get(code)
            gid = tt.getGlyphID(glyph) if glyph else 0
            if gid == 0 or text in ("", "\x00"):
                notdef.append((name, code, text))
                continue
            g = glyf[glyph]
            visible = text.strip() and not all(unicodedata.category(c).startswith("Z") for c in text)
            if visible and g.numberOfContours == 0:
                blank.append((name, code, text))
                continue
            drawn.setdefault(name, set()).update(text)
    return GlyphReport(notdef, blank, drawn)


def glyph_outline(tt, glyph_name: str):
    """A comparable outline of a glyph (coordinates and contour ends; composites resolved)."""
    glyf = tt["glyf"]
    g = glyf[glyph_name]
    if not g.isComposite() and not g.numberOfContours:
        return ((), ())
    coords, ends, _ = g.getCoordinates(glyf)
    return (tuple(tuple(c) for c in coords), tuple(ends))


# --------------------------------------------------------------------------- expected text


@dataclass
class Expected:
    """What a reader must find in the PDF, computed from the issue model."""

    front: list[str]  # masthead and contents (page 1)
    body: list[str]  # body pages, in reading order
    contents: list[tuple[str, str, int]]  # (contents title, heading text, level)
    urls: set[str]
    #: url → the visible texts that link to it
    link_labels: dict[str, list[str]] = field(default_factory=dict)

    @property
    def vocabulary(self) -> set[str]:
        return {t for s in [*self.front, *self.body] for t in tokens(s)}

    def body_tokens(self) -> list[str]:
        return [t for s in self.body for t in tokens(s)]

    def all_tokens(self) -> list[str]:
        return [t for s in [*self.front, *self.body] for t in tokens(s)]


def expected_for(issue, theme) -> Expected:
    """Expected words, contents and URLs of an issue, independent of the layout code."""
    from briefing_pdf.brand import masthead_date, short_date
    from briefing_pdf.text import paragraphs, parse_inline, plain

    label = theme.label
    body: list[str] = []
    contents: list[tuple[str, str, int]] = []
    urls: set[str] = set()
    labels: dict[str, list[str]] = {}

    def link(url: str, *visible: str) -> None:
        urls.add(url)
        labels.setdefault(url, []).extend(visible)

    def text(value: str) -> str:
        for para in paragraphs(value):
            for run in parse_inline(para):
                if run.href:
                    link(run.href, run.text)
        return plain(value)

    def sources(items) -> None:
        if items:
            body.append(label("sources"))
        for s in items:
            body.extend([s.publisher, s.title] + ([s.note] if s.note else []))
            link(s.url, s.title)

    top = issue.top_story
    contents += [(label("top_story"), label("top_story"), 0), (top.toc_title or top.title, top.title, 1)]
    body += [label("top_story"), top.title, text(top.body)]
    if top.analysis:
        body += [label("analysis"), text(top.analysis)]
    sources(top.sources)
    if issue.metrix:
        m = issue.metrix
        contents.append((label("metrix"), label("metrix"), 0))
        body += [label("metrix"), m.value, text(m.text)]
        if m.source:
            body += [label("source"), m.source.title]
            link(m.source.url, m.source.title)
    if issue.topics:
        contents.append((label("topics"), label("topics"), 0))
        body.append(label("topics"))
        for t in issue.topics:
            contents.append((t.toc_title or t.title, t.title, 1))
            body += [t.title, label("facts"), text(t.facts), label("outlook"), text(t.outlook)]
            if t.analysis:
                body += [label("analysis"), text(t.analysis)]
            sources(t.sources)
    if issue.digest:
        contents.append((label("digest"), label("digest"), 0))
        body.append(label("digest"))
        for d in issue.digest:
            body += [d.title, d.publisher, text(d.text), short_date(d.date, issue.language)]
            link(d.url, d.title, d.publisher)
    if issue.podcasts:
        contents.append((label("podcasts"), label("podcasts"), 0))
        body.append(label("podcasts"))
        for p in issue.podcasts:
            body += [p.title, text(p.text)]
            link(p.url, p.title)
    imprint = theme.imprint
    if imprint is not None:
        contents.append((label("imprint"), label("imprint"), 0))
        body.append(label("imprint"))
        for g in imprint.groups:
            body.append(g.heading)
            for person in g.people:
                body += [person.name] + ([person.role] if person.role else [])
        pub = imprint.publisher
        body += [label("publisher"), pub.name, *pub.address]
        if pub.phone:
            body += [label("phone"), pub.phone]
        if pub.email:
            body += [label("email"), pub.email]
            link(f"mailto:{pub.email}", pub.email)
        if pub.web:
            body.append(pub.web)
            link(pub.web, pub.web)
    front = [masthead_date(issue.date, issue.language)]
    if issue.number:
        front.append(issue.number)
    front.append(theme.series)
    if theme.logo is None:
        front.append(theme.brand.name)
    front.append(label("contents"))
    front += [c[0] for c in contents]
    return Expected(front, body, contents, urls, labels)


# --------------------------------------------------------------------------- structure tree


def _mcid_texts(pdf) -> dict[tuple[int, int], str]:
    """Text of every marked-content sequence with an MCID: (page index, MCID) -> text.

    Follows ``Tf`` to each font's ToUnicode map (ReportLab's one-byte subset
    fonts); a text positioning operator before a string starts a new line,
    written as a newline (also at the start of a sequence).
    """
    import pikepdf

    out: dict[tuple[int, int], list[str]] = {}
    for pi, page in enumerate(pdf.pages):
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        maps: dict[str, dict[int, str]] = {}
        stack: list[int | None] = []
        cmap: dict[int, str] = {}
        moved = False
        for operands, op in pikepdf.parse_content_stream(page):
            name = str(op)
            if name in ("BDC", "BMC"):
                mcid = None
                if name == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                    mcid = int(operands[1].MCID)
                stack.append(mcid if mcid is not None else (stack[-1] if stack else None))
            elif name == "EMC":
                if stack:
                    stack.pop()
            elif name == "Tf":
                key = str(operands[0])
                if key not in maps:
                    font = fonts.get(key)
                    tu = font.get("/ToUnicode") if font is not None else None
                    maps[key] = _parse_tounicode(tu.read_bytes()) if tu is not None else {}
                cmap = maps[key]
            elif name in ("Td", "TD", "Tm", "T*"):
                moved = True
            elif name in ("Tj", "TJ", "'", '"'):
                mcid = stack[-1] if stack else None
                if mcid is None:
                    continue
                strings = operands[0] if name == "TJ" else [operands[-1]]
                text = "".join(cmap.get(b, "") for s in strings if isinstance(s, pikepdf.String)
                               for b in bytes(s))
                buf = out.setdefault((pi, mcid), [])
                if moved:  # a new line (also when a sequence starts on it)
                    buf.append("\n")
                moved = False
                buf.append(text)
    return {k: "".join(v) for k, v in out.items()}


def struct_text(pdf_path: Path) -> str:
    """The text of the structure tree in depth-first order, what a screen reader reads.

    An element with ``/ActualText`` reads as that text; marked content as its
    glyphs' Unicode; every block element ends a line.
    """
    import pikepdf

    with pikepdf.open(pdf_path) as pdf:
        texts = _mcid_texts(pdf)
        page_index = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
        parts: list[str] = []

        def walk(el, page) -> None:
            if not isinstance(el, pikepdf.Dictionary):
                if isinstance(el, int) and page is not None:
                    parts.append(texts.get((page, int(el)), ""))
                return
            if el.get("/Type") == "/MCR":
                pg = page_index.get(el.Pg.objgen, page) if "/Pg" in el else page
                parts.append(texts.get((pg, int(el.MCID)), ""))
                return
            if el.get("/Type") == "/OBJR":
                return
            if "/Pg" in el:
                page = page_index.get(el.Pg.objgen, page)
            if "/ActualText" in el:
                parts.append(str(el.ActualText))
                return
            kids = el.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
                walk(kid, page)
            if str(el.get("/S", "")) not in ("/Span", "/Link", "/Reference"):
                parts.append("\n")

        walk(pdf.Root.StructTreeRoot, None)
    return "".join(parts)


def struct_elements(pdf_path: Path) -> list[dict]:
    """Every structure element as a dict: type, ActualText, Alt, Lang, the page of each of its
    own content pieces (bare MCIDs are on the element's /Pg), OBJR count, kid types."""
    import pikepdf

    out = []
    with pikepdf.open(pdf_path) as pdf:
        page_index = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}

        def walk(el) -> None:
            if not isinstance(el, pikepdf.Dictionary) or el.get("/Type") in ("/MCR", "/OBJR"):
                return
            info = {"type": str(el.get("/S", ""))[1:], "actual": str(el.ActualText) if "/ActualText" in el else None,
                    "alt": str(el.Alt) if "/Alt" in el else None, "lang": str(el.Lang) if "/Lang" in el else None,
                    "mcr_pages": [], "objr": 0, "kids": []}
            kids = el.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            home = page_index[el.Pg.objgen] if "/Pg" in el else None
            for kid in kids:
                if isinstance(kid, int):  # an MCID on the element's own page
                    info["mcr_pages"].append(home)
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    info["mcr_pages"].append(page_index[kid.Pg.objgen])
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                    info["objr"] += 1
                elif isinstance(kid, pikepdf.Dictionary):
                    info["kids"].append(str(kid.get("/S", ""))[1:])
            if info["type"]:
                out.append(info)
            for kid in kids:
                walk(kid)

        walk(pdf.Root.StructTreeRoot)
    return out
