"""Pair kerning and margin protrusion, checked against HarfBuzz and on the PDF.

The kern values come from briefing_pdf/kerning.py; HarfBuzz (uharfbuzz, a
dev dependency) checks them independently. On the PDF, a pair's kern is
measured as pdfcheck does it (../shared/tools/README.md, section 5): the gap
``x0(b) - x1(a)`` between two glyphs of one font and size, less the line's
own character spacing (the median gap of its unkerned letter pairs), must be
``k/1000 × size × Th``, and pairs without kern data must have no offset.
pdfminer (pdfplumber) is exact within one text operator; the test text is
therefore set in single-font runs without links.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from briefing_pdf import kerning
from briefing_pdf.fonts import shipped_font_dir
from briefing_pdf.hyphenate import get_hyphenator
from briefing_pdf.kpparagraph import KPParagraph, KPSettings

FONTS = shipped_font_dir()
NOTO = ["NotoSerif-Regular", "NotoSerif-Bold", "NotoSerif-Italic", "NotoSerif-BoldItalic",
        "NotoSans-Regular", "NotoSans-Bold"]
ROOT = Path(__file__).resolve().parents[1]

KERNY = ("Tor Kommission AVANT Verkehr Tatra, Vorrat und Werke: „Tarife“ Volta, Teuerung. "
         "Yale Kongo Wärme Rafael. ")
BODY = (
    "Tor und Tatra: Die Kommission AVANT prüft mit AT&T den Verkehr, die Versorgung, den Vorrat "
    "und die Tarife. Keine Veränderung, sagte Yvonne Taylor von der Verkehrskammer; "
    "„Wir warten“, so der Verband. Kraftwerke, Talsperren, Vorräte und Wasserwege "
    "werden geprüft, Tarifverträge ebenso. Kooperation, Koordination, Kontrolle. "
) * 3


# ----------------------------------------------------------------- the tables


def _sample_pairs() -> set[str]:
    pairs = {"To", "Te", "Va", "LT", "AV", "ra", "ke", "Ko", "r.", "r,", "T-", "y.", "„W", "“,"}
    for path in sorted((ROOT / "issues").glob("*.yaml")):
        for word in path.read_text(encoding="utf-8").split():
            pairs.update(a + b for a, b in zip(word, word[1:]))
    return pairs


@pytest.mark.parametrize("face", NOTO)
def test_kern_table_matches_harfbuzz(face):
    hb = pytest.importorskip("uharfbuzz")
    path = FONTS / f"{face}.ttf"
    table = kerning.build_table(path)
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(path))))
    upem = font.face.upem

    def advance(pair: str, kern: bool) -> int:
        buf = hb.Buffer()
        buf.add_str(pair)
        buf.guess_segment_properties()
        hb.shape(font, buf, {"kern": kern, "liga": False, "clig": False, "calt": False})
        return buf.glyph_positions[0].x_advance if len(buf.glyph_infos) == 2 else None

    checked = kerned = 0
    for pair in sorted(_sample_pairs()):
        with_kern, without = advance(pair, True), advance(pair, False)
        if with_kern is None or without is None:
            continue
        expected = (with_kern - without) * 1000 / upem
        assert table.get(pair, 0.0) == pytest.approx(expected, abs=0.01), (face, pair)
        checked += 1
        kerned += expected != 0
    assert checked > 300 and kerned > 40


def test_table_holds_class_pairs_and_no_spaces():
    table = kerning.build_table(FONTS / "NotoSerif-Regular.ttf")
    # class-based (PairPos format 2) pairs such as Te/To/Va and a listed pair
    for pair in ("To", "Te", "Va", "LT", "ra", "Ko"):
        assert table[pair] < 0, pair
    assert not any(ch.isspace() for pair in table for ch in pair)
    assert not any("\u4e00" <= ch <= "\u9fff" for pair in table for ch in pair)


def test_table_is_cached_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFING_PDF_CACHE", str(tmp_path))
    monkeypatch.delenv("BRIEFING_PDF_NO_CACHE", raising=False)
    kerning._split_table.cache_clear()
    first = kerning.table_for_file(FONTS / "NotoSans-Bold.ttf")
    assert any(p.name.startswith("kern0-") for p in tmp_path.iterdir())
    assert kerning.table_for_file(FONTS / "NotoSans-Bold.ttf") == first
    extended = kerning.table_for_file(FONTS / "NotoSans-Bold.ttf", extended=True)
    assert len(extended) > len(first) and any("\u0400" <= p[0] <= "\u04ff" for p in extended)


def test_kerned_width_and_extended_pairs(fontset):
    name = fontset.name("regular")
    assert kerning.kerned_width("To", name, 10) == pytest.approx(
        stringWidth("To", name, 10) + kerning.build_table(FONTS / "NotoSerif-Regular.ttf")["To"] / 100)
    assert kerning.kerned_width("To to", name, 10) < stringWidth("To to", name, 10)
    # a Cyrillic pair loads the extended table when text needs it
    full = kerning.build_table(FONTS / "NotoSerif-Regular.ttf")
    cyr = next(p for p in full if "\u0410" <= p[0] <= "\u044f" and "\u0410" <= p[1] <= "\u044f")
    assert kerning.kern_sum(cyr, name) == full[cyr]


def test_table_parts_split_the_table_and_load_when_a_text_needs_them(fontset):
    """The basic, core and extended parts together are the font's table; a font
    starts with the basic pairs and gets a part once a text has a letter of it,
    so every kern measured is the full table's."""
    path = FONTS / "NotoSerif-Bold.ttf"
    full = kerning.build_table(path)
    parts = kerning._split_table(path, 0)
    assert sum(map(len, parts)) == len(full) and {**parts[0], **parts[1], **parts[2]} == full
    assert len(parts[kerning.BASIC]) < len(full) / 5
    name = fontset.name("bold")
    for state in (kerning._TABLES, kerning._PARTS):
        state.pop(name, None)
    kerning._COMPLETE.discard(name)
    text = "Tor „Tür“"
    assert kerning.kern_sum(text, name) == pytest.approx(sum(full.get(a + b, 0) for a, b in zip(text, text[1:])))
    assert kerning.kern_sum(text, name) != 0
    assert kerning._PARTS[name] == {kerning.BASIC}
    core = next(p for p in parts[kerning.CORE] if not p.isascii() and p[1].isascii())
    assert kerning.kern_sum(core, name) == full[core]
    assert kerning._PARTS[name] == {kerning.BASIC, kerning.CORE}
    cyr = next(p for p in parts[kerning.EXTENDED] if "\u0410" <= p[0] <= "\u044f")
    assert kerning.kern_sum(cyr, name) == full[cyr] and name in kerning._COMPLETE


# ----------------------------------------------------------- glyph positions


def _rows(chars):
    """Glyph runs of one font and size on one baseline, in drawing order."""
    rows = defaultdict(list)
    for i, c in enumerate(chars):
        rows[(round(c["matrix"][5], 1), c["fontname"], round(c["size"], 2))].append((i, c))
    return rows.values()


def _face_file(fontname: str) -> Path:
    return FONTS / (fontname.split("+")[-1] + ".ttf")


_TABLES: dict = {}


def measure(chars) -> dict:
    """Pairs of adjacent glyphs (same font, size, baseline, drawn one after
    the other, no space): kerned / unkerned / off, as pdfcheck counts them."""
    out = defaultdict(list)
    for row in _rows(chars):
        font = row[0][1]["fontname"]
        if not _face_file(font).is_file():
            continue   # CJK fallback: not measured
        table = _TABLES.setdefault(font, kerning.build_table(_face_file(font), 0))
        size = row[0][1]["size"]
        pairs = []
        for (i, a), (j, b) in zip(row, row[1:]):
            if j != i + 1 or a["text"].isspace() or b["text"].isspace():
                continue
            gap = b["x0"] - a["x1"]
            if gap > 0.15 * size:
                continue
            th = (a["x1"] - a["x0"]) / _advance(font, a["text"], size)   # Tz of the line
            pairs.append((a["text"] + b["text"], gap, th))
        plain = [g for p, g, _ in pairs if p not in table and p.isalnum()]
        tc = statistics.median(plain) if plain else 0.0
        kind = "body" if abs(size - 9.5) < 0.3 else "headings"
        for pair, gap, th in pairs:
            k = table.get(pair, 0.0)
            expected = k / 1000 * size * th
            out[kind].append((pair, gap - tc, expected))
    return out


_ADV: dict = {}


def _advance(fontname: str, ch: str, size: float) -> float:
    """Advance width of a glyph from the font file (hmtx), independent of ReportLab."""
    from fontTools.ttLib import TTFont

    tt = _ADV.get(fontname)
    if tt is None:
        tt = _ADV[fontname] = TTFont(str(_face_file(fontname)), lazy=True)
    glyph = tt.getBestCmap()[ord(ch)]
    return tt["hmtx"][glyph][0] / tt["head"].unitsPerEm * size


def _issue(tmp_path: Path) -> Path:
    import yaml

    data = {
        "date": "2025-03-04", "language": "de",
        "top_story": {"title": "Tor Kommission AVANT Verkehr Tatra",
                      "body": BODY + "\n\n" + BODY.replace("Tor und", "Tatra und")},
        "topics": [{"title": "Vorrat, Tarife und Werke", "facts": BODY,
                    "outlook": "Tarife und Vorräte bleiben knapp."}],
    }
    source = tmp_path / "kern.yaml"
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return source


@pytest.fixture(scope="module")
def kern_pdf(tmp_path_factory):
    from briefing_pdf.pipeline import build

    folder = tmp_path_factory.mktemp("kern")
    pdf = folder / "kern.pdf"
    build(_issue(folder), pdf)
    with pdfplumber.open(str(pdf)) as doc:
        chars = [c for page in doc.pages for c in page.chars]
    return measure(chars)


@pytest.mark.parametrize("kind", ["body", "headings"])
def test_every_kern_pair_is_applied_in_the_pdf(kern_pdf, kind):
    pairs = kern_pdf[kind]
    kerned = [(p, r, e) for p, r, e in pairs if e]
    assert len(kerned) >= (30 if kind == "body" else 8)
    for pair, residual, expected in kerned:
        tol = min(0.5 * abs(expected), max(0.03, 0.15 * abs(expected)))
        assert abs(residual - expected) <= tol, (pair, residual, expected)
    assert {"To", "Ta"} <= {p for p, _, _ in kerned}


@pytest.mark.parametrize("kind", ["body", "headings"])
def test_pairs_without_kern_data_are_not_moved(kern_pdf, kind):
    plain = [(p, r) for p, r, e in kern_pdf[kind] if not e]
    assert len(plain) > 50
    for pair, residual in plain:
        assert abs(residual) <= 0.03, (pair, residual)


def test_unkerned_drawing_would_fail_the_measurement(tmp_path):
    """The measurement can fail: the same text drawn with plain textOut shows no kerns."""
    from reportlab.pdfgen.canvas import Canvas

    from briefing_pdf.fonts import load_fontset

    fonts = load_fontset({}, None, "<test>")
    fonts.register_all()
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont(fonts.name("regular"), 9.5)
    canvas.drawString(50, 700, "Tor Tatra Verkehr Kommission")
    canvas.save()
    with pdfplumber.open(io.BytesIO(buffer.getvalue())) as doc:
        pairs = measure(doc.pages[0].chars)["body"]
    kerned = [(p, r, e) for p, r, e in pairs if e]
    assert kerned and all(abs(r) < 0.01 and abs(e) > 0.1 for p, r, e in kerned)


# ------------------------------------------------- breaker widths, protrusion

FRAME = (60.0, 40.0, 180.0, 740.0)   # x, y, width, height: room for the whole paragraph


def _kp_build(path: Path, fonts, text: str, **settings) -> KPParagraph:
    style = ParagraphStyle("k", fontName=fonts.name("regular"), fontSize=9.5, leading=12.5,
                           alignment=TA_JUSTIFY)
    para = KPParagraph(text, style, hyphenator=get_hyphenator("de"), settings=KPSettings(**settings))
    doc = BaseDocTemplate(str(path), pagesize=(400, 800), invariant=1)
    x, y, w, h = FRAME
    doc.addPageTemplates([PageTemplate("p", [Frame(x, y, w, h, id="f", leftPadding=0, rightPadding=0,
                                                   topPadding=0, bottomPadding=0)])])
    doc.build([para])
    return para


def _lines(path: Path):
    with pdfplumber.open(str(path)) as doc:
        chars = doc.pages[0].chars
    rows = defaultdict(list)
    for c in chars:
        rows[round(c["matrix"][5], 1)].append(c)
    return [sorted(r, key=lambda c: c["x0"]) for _, r in sorted(rows.items(), reverse=True)]


@pytest.fixture(scope="module")
def kp_lines(tmp_path_factory, fontset):
    path = tmp_path_factory.mktemp("kp") / "kp.pdf"
    para = _kp_build(path, fontset, BODY)
    return para, _lines(path)


def test_breaker_measures_kerned_widths(kp_lines, fontset):
    """Each line's width as the breaker saw it is its width as HarfBuzz shapes it."""
    hb = pytest.importorskip("uharfbuzz")
    para, _ = kp_lines
    path = FONTS / "NotoSerif-Regular.ttf"
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(path))))
    br = para._kp_breaks
    kerned_somewhere = False
    for ln in br.lines:
        text = "".join(t for _, t in para._line_runs(br.items, ln)[0])
        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        hb.shape(font, buf, {"liga": False, "clig": False, "calt": False})
        shaped = sum(p.x_advance for p in buf.glyph_positions) / font.face.upem * 9.5
        hang = 0.0 if ln.forced else kerning.protrusion(text[-1], fontset.name("regular"), 9.5)
        assert ln.natural + hang == pytest.approx(shaped, abs=0.005), text
        kerned_somewhere |= abs(shaped - stringWidth(text, fontset.name("regular"), 9.5)) > 0.1
    assert kerned_somewhere


def test_justified_lines_end_on_the_edge_or_hang(kp_lines, fontset):
    _, lines = kp_lines
    x, _, w, _ = FRAME
    edge = x + w
    letters = hung = 0
    for row in lines[:-1]:                       # the last line is not justified
        last = row[-1]
        share = kerning.PROTRUDE_RIGHT.get(last["text"])
        if share is None:
            assert last["x1"] == pytest.approx(edge, abs=0.01), "".join(c["text"] for c in row)
            letters += 1
        else:
            full = share * stringWidth(last["text"], fontset.name("regular"), 9.5)
            over = last["x1"] - edge
            assert -0.01 <= over <= full + 0.01
            hung += abs(over - full) < 0.01
    assert letters >= 3 and hung >= 3
    # the paragraph's last line is ragged: it ends short, nothing hangs
    assert lines[-1][-1]["x1"] < edge - 5


def test_opening_quote_hangs_left(tmp_path, fontset):
    text = " ".join(f"„Wort{i}“ und „Tarif{i}“" for i in range(40))
    _kp_build(tmp_path / "q.pdf", fontset, text)
    x = FRAME[0]
    starts = [row[0] for row in _lines(tmp_path / "q.pdf")[:-1]]
    quoted = [c for c in starts if c["text"] == "„"]
    assert quoted, "no line starts with a quote"
    assert all(c["x0"] < x - 0.5 for c in quoted)
    assert all(abs(c["x0"] - x) < 0.01 for c in starts if c["text"] != "„")


def test_no_protrusion_when_switched_off(tmp_path, fontset):
    _kp_build(tmp_path / "off.pdf", fontset, BODY, protrude=False)
    x, _, w, _ = FRAME
    for row in _lines(tmp_path / "off.pdf")[:-1]:
        assert row[-1]["x1"] == pytest.approx(x + w, abs=0.01)


def test_text_out_spans_subsets_and_carries_a_trailing_kern(fontset):
    """A kerned run whose characters fall into two TrueType subsets, followed
    by a trailing kern towards the next run: every glyph sits where the
    kerned widths say (and the text object's cursor agrees)."""
    from reportlab.pdfgen.canvas import Canvas

    name = fontset.name("regular")
    greek = "".join(chr(c) for c in range(0x391, 0x3aa) if c != 0x3a2)
    cyrillic = "".join(chr(c) for c in range(0x410, 0x450))
    text = "".join(chr(c) for c in range(0x100, 0x17f)) + greek + cyrillic + "ToTatra" + "Кошка" + "Va"
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    tx = canvas.beginText(10, 700)
    tx.setFont(name, 4)
    kerning.text_out(tx, text, trailing=-50)
    kerning.text_out(tx, "x")
    assert tx.getX() - 10 == pytest.approx(kerning.kerned_width(text + "x", name, 4) - 0.2)
    canvas.drawText(tx)
    canvas.save()
    deltas = dict(kerning.kern_deltas(text, name))
    deltas[len(text) - 1] = deltas.get(len(text) - 1, 0.0) - 50
    assert len(deltas) > 5
    with pdfplumber.open(io.BytesIO(buffer.getvalue())) as doc:
        chars = doc.pages[0].chars
    assert "".join(c["text"] for c in chars) == text + "x"
    assert len({c["fontname"] for c in chars}) == 2     # two subsets, two text operators
    x = 10.0
    for i, c in enumerate(chars):
        assert c["x0"] == pytest.approx(x, abs=1e-6), (i, c["text"])
        x += stringWidth(c["text"], name, 4) + deltas.get(i, 0.0) * 4 / 1000


def test_kern_across_fragments_of_one_font(tmp_path, fontset):
    """"Ko" with the K inside a link and the o outside still kerns (same font
    and size); across a font change (bold T, regular o) it does not."""
    from reportlab.lib.enums import TA_LEFT

    name = fontset.name("regular")
    table = kerning.build_table(FONTS / "NotoSerif-Regular.ttf")
    style = ParagraphStyle("l", fontName=name, fontSize=20, leading=24, alignment=TA_LEFT)
    markup = ('Die <a href="https://example.org/k" color="#1F3A5F">K</a>ommission '
              '<b>T</b>ore und Tore')
    para = KPParagraph(markup, style)
    path = tmp_path / "frag.pdf"
    doc = BaseDocTemplate(str(path), pagesize=(400, 200), invariant=1)
    doc.addPageTemplates([PageTemplate("p", [Frame(20, 20, 360, 160, id="f", leftPadding=0, rightPadding=0,
                                                   topPadding=0, bottomPadding=0)])])
    doc.build([para])
    with pdfplumber.open(str(path)) as pdf:
        chars = pdf.pages[0].chars
        annots = pdf.pages[0].annots
    text = "".join(c["text"] for c in chars)

    def gap(pair: str, nth: int = 0) -> float:
        i = [m.start() for m in re.finditer(pair, text)][nth]
        return chars[i + 1]["x0"] - chars[i]["x1"]

    assert gap("Ko") == pytest.approx(table["Ko"] / 1000 * 20, abs=0.005)
    assert gap("To", 0) == pytest.approx(0.0, abs=0.005)          # bold T, regular o: no pair
    assert gap("To", 1) == pytest.approx(table["To"] / 1000 * 20, abs=0.005)
    # the link rectangle ends where the kerned K ends
    link = next(a for a in annots if a.get("uri") == "https://example.org/k")
    k = chars[text.index("K")]
    assert link["x1"] == pytest.approx(k["x1"] + table["Ko"] / 1000 * 20, abs=0.01)


# ------------------------------------------------- advance tables, direct operators

MIXED = ("Straße „Tor“ — Ελλάδα Кошка 中文字符 Ver\u00adkehrs\u00adwege\u00a0AT&T (x) \\ é ﬁ \U0001F600 ")


@pytest.mark.parametrize("face", ["regular", "bold_italic", "heading_bold", "cjk"])
def test_advance_width_is_reportlabs_string_width_to_the_bit(fontset, face):
    """The per-font advance table adds the same advances in the same order as
    ReportLab's ``stringWidth``: equal floats, not just close ones (PDF numbers
    are made from them), for Latin, Greek, Cyrillic, CJK, soft hyphens,
    no-break spaces and characters the font lacks (its default width)."""
    name = fontset.fallback[0].rl_name if face == "cjk" else fontset.name(face)
    for size in (9.5, 7, 10.8, 13.333):
        for text in (MIXED, MIXED[::-1], "x", "", " ", "\u00ad", "中文"):
            assert kerning.advance_width(text, name, size) == stringWidth(text, name, size), (text, size)
    kerned = kerning.kerned_width(MIXED, name, 9.5)
    assert kerned == stringWidth(MIXED, name, 9.5) + kerning.kern_sum(MIXED, name) * 9.5 / 1000.0
    if face != "cjk":
        assert kerned < stringWidth(MIXED, name, 9.5)   # "To", "Te" ... kern


def test_advance_width_of_a_standard_font_is_reportlabs():
    assert kerning.advance_width("Tor AV", "Helvetica", 10) == stringWidth("Tor AV", "Helvetica", 10)


def _reference_text_out(tx, text, kerns):
    """What the text operators were before they were written directly: ReportLab's
    ``splitString`` and escaping per call (kerns: {index: 1/1000 em})."""
    from reportlab.pdfbase.pdfmetrics import getFont

    font = getFont(tx._fontname)
    canvas = tx._canvas
    pos = 0
    for subset, chunk in font.splitString(text, canvas._doc):
        if subset != tx._curSubset:
            tx._code.append(f"{font.getSubsetInternalName(subset, canvas._doc)} "
                            f"{kerning.pdf_number(tx._fontsize)} Tf {kerning.pdf_number(tx._leading)} TL")
            tx._curSubset = subset
        parts, start = [], 0
        for i in sorted(k - pos for k in kerns if pos <= k < pos + len(chunk)):
            parts += [f"({canvas._escape(chunk[start:i + 1])})", kerning.pdf_number(-kerns[pos + i])]
            start = i + 1
        if start < len(chunk):
            parts.append(f"({canvas._escape(chunk[start:])})")
        tx._code.append(f"[{' '.join(parts)}] TJ" if len(parts) > 1 else f"{parts[0]} Tj")
        pos += len(chunk)


def test_text_out_writes_what_reportlab_writes(fontset):
    """Two documents draw the same strings, one through ReportLab's own
    ``textOut`` (unkerned) or its encoding (kerned), one through ``text_out``:
    the content streams are equal, byte for byte, including subset switches
    (more than 256 characters), escaped brackets and backslashes, a no-break
    space (drawn as the space) and the character codes' order of first use."""
    from reportlab.pdfgen.canvas import Canvas

    name = fontset.name("regular")
    many = "".join(chr(c) for c in range(0x100, 0x17f)) + "".join(chr(c) for c in range(0x391, 0x3aa) if c != 0x3a2) \
        + "".join(chr(c) for c in range(0x410, 0x450))
    texts = ["x(y)z\\", "q\u00a0w", many, "ToTatra Vorrat", "jjj", many[::-1] + "Tor", "AV"]

    def draw(ours: bool) -> list:
        canvas = Canvas(io.BytesIO(), invariant=1)
        tx = canvas.beginText(10, 700)
        tx.setFont(name, 9)
        for text in texts:
            kerns = dict(kerning.kern_deltas(text, name))
            if ours:
                kerning.text_out(tx, text, trailing=-30 if text == "AV" else 0.0)
            elif not kerns and text != "AV":
                tx.textOut(text)
            else:
                if text == "AV":
                    kerns[1] = kerns.get(1, 0.0) - 30
                _reference_text_out(tx, text, kerns)
        return tx.getCode()

    theirs, ours = draw(False), draw(True)
    assert "] TJ" in ours and ") Tj" in ours and "\\(" in ours and "\\\\" in ours
    assert ours.count(" Tf ") >= 3     # subsets switched back and forth
    assert ours == theirs


def test_string_colours_are_parsed_once_and_write_the_same_operator():
    """A style colour given as "#rrggbb" (brand colours are strings) becomes one
    ReportLab colour object that writes the same ``rg`` operator."""
    from reportlab.lib.colors import HexColor
    from reportlab.pdfgen.canvas import Canvas

    from briefing_pdf.kpparagraph import _color

    assert _color("#1a2b3c") is _color("#1a2b3c")
    ops = []
    for value in ("#1a2b3c", _color("#1a2b3c"), HexColor("#1a2b3c")):
        tx = Canvas(io.BytesIO()).beginText(0, 0)
        tx.setFillColor(value)
        ops.append(tx.getCode())
    assert ops[0] == ops[1] == ops[2] and "rg" in ops[0]


@pytest.mark.parametrize("text", [MIXED, "To", "T", "", "Кошка Ελλάδα", "中文字符"])
def test_measure_is_kerned_width_and_deltas_in_one_pass(fontset, text):
    for name in (fontset.name("regular"), fontset.fallback[0].rl_name):
        width, deltas = kerning.measure(text, name, 9.5)
        assert width == kerning.kerned_width(text, name, 9.5)
        assert tuple(deltas) == tuple(kerning.kern_deltas(text, name))


def test_number_text_is_reportlabs_fp_str():
    """PDF numbers (word spacing, glyph scale, text origins, kerns) are written
    as ReportLab's pure-Python fp_str writes them, around powers of ten, at
    the 1e-7 cut-off and for values that round to zero or to a carry."""
    import math
    import random

    from reportlab.lib import rl_accel

    original = getattr(rl_accel.fp_str, "original", rl_accel.fp_str)
    if original.__name__ != "_py_fp_str":
        pytest.skip("ReportLab's C accelerator formats the numbers itself")
    rng = random.Random(11)
    values = [0, 1, -1, 100, 1e-7, -1e-7, 4e-7, 5e-7, 0.5, -0.5, 9.9999999, 99.9999995, 1e7, 0.0000005]
    values += [rng.uniform(-1, 1) * 10.0 ** e for e in range(-8, 8) for _ in range(3000)]
    for k in range(-8, 8):
        b = 10.0 ** k
        values += [b, -b, math.nextafter(b, 0), math.nextafter(b, 1e300), b * 0.9999995, b * 1.0000005]
    assert [kerning._fp_str(v) for v in values] == [original(v) for v in values]
    assert kerning.pdf_number(0.25) == ".25" and kerning.pdf_number(-100.0) == "-100"


def test_advance_table_follows_the_registered_font():
    """The table belongs to the font object registered under the name: when
    the registry holds another object for it (ReportLab keeps the first
    registration, so only a replaced registry entry does this), the new one
    is measured."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("KernTestSwap", str(FONTS / "NotoSerif-Regular.ttf")))
    serif = kerning.advance_width("Wasser", "KernTestSwap", 10)
    assert serif == stringWidth("Wasser", "KernTestSwap", 10)
    original = pdfmetrics._fonts["KernTestSwap"]
    try:
        sans = TTFont("KernTestSwap", str(FONTS / "NotoSans-Bold.ttf"))
        pdfmetrics._fonts["KernTestSwap"] = sans
        assert kerning.advance_width("Wasser", "KernTestSwap", 10) == sans.stringWidth("Wasser", 10) != serif
    finally:
        pdfmetrics._fonts["KernTestSwap"] = original


def test_character_codes_do_not_keep_documents_alive(fontset):
    """The per-document character codes are dropped with their document (a
    long-running watch or batch process must not keep every PDF it wrote)."""
    import gc
    import weakref

    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(io.BytesIO())
    tx = canvas.beginText(10, 700)
    tx.setFont(fontset.name("regular"), 9)
    kerning.text_out(tx, "Tor Wasser")
    canvas.drawText(tx)
    canvas.save()
    doc = weakref.ref(canvas._doc)
    assert doc() in kerning._CODES
    del canvas, tx
    gc.collect()
    assert doc() is None
