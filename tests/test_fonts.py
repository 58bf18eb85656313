"""Fonts: checking, fallback runs for CJK, and characters no font can draw."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing_pdf.errors import BriefingError
from briefing_pdf.fonts import check_font, load_fontset, shipped_font_dir
from briefing_pdf.text import fallback_markup, font_runs, to_markup

ISSUE = "date: 2025-01-30\nlanguage: en\n{brand}top_story:\n  title: {title}\n  body: {body}\n"


def write_issue(folder: Path, title: str = "T", body: str = "B", brand: str | None = None) -> Path:
    path = folder / "issue.yaml"
    path.write_text(ISSUE.format(title=title, body=body, brand=f"brand: {brand}\n" if brand else ""),
                    encoding="utf-8")
    return path


def test_shipped_fonts_are_found():
    folder = shipped_font_dir()
    for name in ("NotoSerif-Regular.ttf", "NotoSans-Bold.ttf", "wqy-microhei.ttc"):
        assert (folder / name).is_file()


def test_default_fontset(fontset):
    assert set(fontset.faces) == {"regular", "bold", "italic", "bold_italic", "heading", "heading_bold"}
    assert len(fontset.fallback) == 1 and fontset.fallback[0].path.name == "wqy-microhei.ttc"
    assert all(f.rl_name for f in fontset.faces.values())


def test_latin_needs_no_fallback(fontset):
    assert fontset.font_for("a", "regular") is None
    assert fontset.font_for("ß", "bold") is None


@pytest.mark.parametrize("char", ["深", "圳", "宁", "林", "東", "京", "서", "울", "희", "삼", "ア"])
def test_cjk_goes_to_the_fallback_font(fontset, char):
    assert fontset.font_for(char, "regular") == fontset.fallback[0].rl_name
    assert fontset.font_for(char, "heading_bold") == fontset.fallback[0].rl_name


def test_cjk_run_is_wrapped_in_a_font_tag(fontset):
    fb = fontset.fallback[0].rl_name
    markup = fallback_markup("Shenzhen (深圳) & Seoul (서울)", fontset, "regular")
    assert markup == (f'Shenzhen (<font name="{fb}">深圳</font>) &amp; Seoul (<font name="{fb}">서울</font>)')


def test_cjk_runs_cover_the_text(fontset):
    fb = fontset.fallback[0].rl_name
    runs = list(font_runs("深圳 上海", fontset, "regular"))
    assert "".join(chunk for _, chunk in runs) == "深圳 上海"
    assert all(font == fb for font, chunk in runs if chunk.strip())


def test_fallback_inside_bold_and_links(fontset):
    fb = fontset.fallback[0].rl_name
    markup = to_markup("**Mei Lin (林美)** [北京](https://e.org/?a=1&b=2)", fontset)
    assert f'<b>Mei Lin (<font name="{fb}">林美</font>)</b>' in markup
    assert f'<a href="https://e.org/?a=1&amp;b=2"><font name="{fb}">北京</font></a>' in markup


def test_coverage(fontset):
    assert fontset.covered("a") and fontset.covered("深") and fontset.covered("김")
    for char in ("😀", "\ue000", "𓀀"):
        assert not fontset.covered(char)


@pytest.mark.parametrize("where,char", [("title", "😀"), ("body", "𓀀"), ("body", "\ue000")])
def test_undrawable_character_is_an_error(tmp_path, where, char):
    from briefing_pdf.pipeline import check

    kw = {where: f"Text with {char} in it"}
    path = write_issue(tmp_path, **kw)
    with pytest.raises(BriefingError) as info:
        check(path)
    [p] = info.value.problems
    assert p.path == f"top_story.{where}"
    assert p.file == str(path) and p.line == (4 if where == "title" else 5)
    assert f"U+{ord(char):04X}" in p.message
    if char.isprintable() and char != "\ue000":  # invisible characters are named, not printed
        assert f"'{char}'" in p.message


def test_undrawable_characters_are_reported_once_per_field(tmp_path):
    from briefing_pdf.pipeline import check

    path = write_issue(tmp_path, body="😀 😀 😀")
    with pytest.raises(BriefingError) as info:
        check(path)
    assert len(info.value.problems) == 1


IMPRINT = "imprint:\n  publisher: {name: P}\n"


def _brand(folder: Path, fonts: str) -> str:
    (folder / "b.brand.yaml").write_text(f"name: B\nfonts:\n{fonts}{IMPRINT}", encoding="utf-8")
    return "b.brand.yaml"


def test_non_truetype_font_is_rejected(tmp_path):
    from briefing_pdf.pipeline import check

    (tmp_path / "fake.ttf").write_text("not a font", encoding="utf-8")
    path = write_issue(tmp_path, brand=_brand(tmp_path, "  regular: fake.ttf\n"))
    with pytest.raises(BriefingError) as info:
        check(path)
    p = info.value.problems[0]
    assert "fake.ttf" in p.message and "TrueType" in p.message
    assert p.file.endswith("b.brand.yaml") and p.line == 3 and p.path.startswith("fonts.")


def test_cff_opentype_font_is_rejected(tmp_path):
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder([".notdef", "A"])
    fb.setupCharacterMap({0x41: "A"})
    pen = T2CharStringPen(500, None)
    pen.moveTo((0, 0)); pen.lineTo((500, 0)); pen.lineTo((250, 700)); pen.closePath()
    fb.setupCFF("TestCFF", {"FullName": "TestCFF"}, {".notdef": pen.getCharString(), "A": pen.getCharString()}, {})
    fb.setupHorizontalMetrics({".notdef": (500, 0), "A": (500, 0)})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "TestCFF", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    otf = tmp_path / "cff.otf"
    fb.save(str(otf))
    with pytest.raises(BriefingError) as info:
        check_font(otf, "b.brand.yaml")
    assert "CFF" in info.value.problems[0].message


def test_missing_font_file_is_reported_with_the_field(tmp_path):
    from briefing_pdf.pipeline import check

    path = write_issue(tmp_path, brand=_brand(tmp_path, "  fallback: [missing-cjk.ttf]\n"))
    with pytest.raises(BriefingError) as info:
        check(path)
    p = info.value.problems[0]
    assert "not found" in p.message and p.path == "fonts.fallback[0]"


def test_own_fonts_relative_to_the_brand_file(tmp_path):
    from briefing_pdf.pipeline import check

    shutil.copy(shipped_font_dir() / "NotoSans-Regular.ttf", tmp_path / "house.ttf")
    path = write_issue(tmp_path, body="Shenzhen (深圳)", brand=_brand(tmp_path, "  regular: house.ttf\n"))
    checked = check(path)
    fonts = checked.theme.fonts
    assert fonts.faces["regular"].path == tmp_path / "house.ttf"
    # bold/italic/headings fall back to the brand's own regular face, CJK to the shipped fallback
    assert fonts.faces["bold"].path == tmp_path / "house.ttf"
    assert fonts.fallback and fonts.fallback[0].path.name == "wqy-microhei.ttc"


def test_empty_fallback_list_makes_cjk_an_error(tmp_path):
    from briefing_pdf.pipeline import check

    path = write_issue(tmp_path, body="Shenzhen (深圳)", brand=_brand(tmp_path, "  fallback: []\n"))
    with pytest.raises(BriefingError) as info:
        check(path)
    assert "U+6DF1" in info.value.problems[0].message


def test_load_fontset_reports_every_bad_face(tmp_path):
    (tmp_path / "x.ttf").write_bytes(b"\x00\x01\x00\x00garbage")
    with pytest.raises(BriefingError) as info:
        load_fontset({"regular": "x.ttf", "bold": "y.ttf"}, tmp_path, "b.brand.yaml")
    paths = {p.path for p in info.value.problems}
    assert {"fonts.regular", "fonts.bold"} <= paths


@pytest.mark.parametrize("name", ["NotoSerif-Regular.ttf", "wqy-microhei.ttc"])
def test_cached_face_subsets_like_reportlab_s_own(tmp_path, monkeypatch, name):
    """The cached face keeps hmetrics and glyphPos as compact arrays; a subset
    written from it must be byte for byte ReportLab's (from a cold and a warm cache)."""
    from reportlab.pdfbase.ttfonts import TTFontFace

    from briefing_pdf.fonts import GlyphMetrics, _cached_ttfont, shipped_font_dir

    monkeypatch.setenv("BRIEFING_PDF_CACHE", str(tmp_path))
    path = shipped_font_dir() / name
    own = TTFontFace(str(path))
    chars = [ord(c) for c in "Straße Œuvre ﬁ 0–9 “” 中文 東京 한국어 ス"] + list(range(32, 127))
    subset = [c for c in dict.fromkeys(chars) if c in own.charToGlyph][:255]
    assert len(subset) > 60
    for attempt in ("cold", "warm"):
        face = _cached_ttfont(f"T{attempt}", path).face
        assert isinstance(face.hmetrics, GlyphMetrics) and len(face.hmetrics) == len(own.hmetrics)
        assert face.makeSubset(subset) == own.makeSubset(subset), attempt
        assert face.charWidths == own.charWidths and face.charToGlyph == own.charToGlyph
        assert face._ttf_data[:] == path.read_bytes()  # (the large shipped CJK font: a read-only mapping)
        assert type(face._ttf_data).__name__ == ("mmap" if attempt == "warm" and name.endswith(".ttc") else "bytes")
    entry, = tmp_path.glob("ttf-*")  # the second round came from the disk cache ...
    assert entry.stat().st_size < path.stat().st_size / 2  # ... which does not repeat the font's bytes


def test_a_face_no_text_uses_is_never_loaded(tmp_path):
    """Registered faces load on first use: without bold italic text that face stays pending
    (and is not in the PDF); with it, the face is loaded and embedded."""
    import subprocess
    import sys

    small = Path(__file__).parent / "data" / "small-en.yaml"
    plain = small.read_text(encoding="utf-8")
    assert "***" not in plain
    (tmp_path / "plain.yaml").write_text(plain, encoding="utf-8")
    (tmp_path / "both.yaml").write_text(plain.replace("a six-week trial", "a ***six-week*** trial", 1),
                                        encoding="utf-8")
    code = ("import sys; from briefing_pdf import pipeline, fonts; from reportlab.pdfbase import pdfmetrics\n"
            "pipeline.build(sys.argv[1], sys.argv[2])\n"
            "print(*sorted(n.split('-')[0] for n in fonts._registered\n"
            "              if isinstance(pdfmetrics.getFont(n).face, fonts.PendingFace)))")
    pending = {}
    for name in ("plain", "both"):
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path / f"{name}.yaml"), str(tmp_path / f"{name}.pdf")],
                             capture_output=True, text=True, timeout=180)
        assert out.returncode == 0, out.stderr[-2000:]
        pending[name] = out.stdout.split()
    assert "BPBoldItalic" in pending["plain"] and "BPRegular" not in pending["plain"]
    assert "BPBoldItalic" not in pending["both"]
    assert b"NotoSerif-BoldItalic" not in (tmp_path / "plain.pdf").read_bytes()
    assert b"NotoSerif-BoldItalic" in (tmp_path / "both.pdf").read_bytes()


def test_pending_face_loads_the_same_face_as_a_parse(tmp_path, monkeypatch):
    from briefing_pdf.fonts import PendingFace, _cached_ttfont, _parse_face

    monkeypatch.setenv("BRIEFING_PDF_CACHE", str(tmp_path))
    path = shipped_font_dir() / "NotoSans-Bold.ttf"
    _cached_ttfont("Tcold", path)  # writes the cache entry
    font = _cached_ttfont("Twarm", path)
    assert isinstance(font.face, PendingFace) and font.face.name == b"NotoSans-Bold"
    widths = font.face.charWidths  # the first real read loads it and swaps it in
    assert not isinstance(font.face, PendingFace)
    parsed = _parse_face(path)
    assert widths == parsed.charWidths and vars(font.face).keys() == vars(parsed).keys()
    entry, = tmp_path.glob("ttf-*")
    entry.write_bytes(entry.read_bytes()[:-50])  # a damaged entry: parsed again, never an error
    assert _cached_ttfont("Tbroken", path).face.charWidths == parsed.charWidths


def test_a_cjk_face_keeps_compact_maps_that_answer_like_reportlab_s_dicts(tmp_path, monkeypatch):
    """The CJK face's charToGlyph and charWidths are runs and a sparse table
    (they unpickle in microseconds instead of ~5 ms); every lookup ReportLab and
    kerning make gives what the parsed dicts give. A Latin face keeps its dicts."""
    import pickle

    from reportlab.pdfbase.ttfonts import TTFontFace

    from briefing_pdf.fonts import RunMap, SparseWidths, _cached_ttfont

    monkeypatch.setenv("BRIEFING_PDF_CACHE", str(tmp_path))
    path = shipped_font_dir() / "wqy-microhei.ttc"
    own = TTFontFace(str(path))
    _cached_ttfont("Tcold", path)
    face = _cached_ttfont("Twarm", path).face.load()  # from the disk cache
    cmap, widths = face.charToGlyph, face.charWidths
    assert isinstance(cmap, RunMap) and isinstance(widths, SparseWidths)
    assert len(pickle.dumps((cmap, widths))) < len(pickle.dumps((own.charToGlyph, own.charWidths))) / 5
    assert len(cmap) == len(own.charToGlyph) and set(cmap) == set(own.charToGlyph)
    for code in sorted(set(own.charToGlyph) | set(range(0, 0x30000, 5)) | {-1, 0x110000}):
        assert (code in cmap) == (code in own.charToGlyph), code
        assert cmap.get(code) == own.charToGlyph.get(code), code
        assert widths.get(code, -7.0) == own.charWidths.get(code, -7.0), code
        if code in own.charToGlyph:
            assert cmap[code] == own.charToGlyph[code] and widths[code] == own.charWidths[code]
    with pytest.raises(KeyError):
        cmap[0x10FFFF]
    _cached_ttfont("Tlatin0", shipped_font_dir() / "NotoSerif-Regular.ttf")
    latin = _cached_ttfont("Tlatin", shipped_font_dir() / "NotoSerif-Regular.ttf").face.load()
    assert type(latin.charToGlyph) is dict and type(latin.charWidths) is dict


def test_a_large_character_map_is_a_code_set_that_answers_like_the_frozenset(tmp_path, monkeypatch):
    """The CJK font's map loads as runs (CodeSet), a Latin font's as a frozenset;
    membership, issuperset and the font set's choices are those of the full set,
    also with the CJK font as a main face (needed_fallbacks intersects the maps)."""
    from briefing_pdf.fonts import CodeSet, FontFile, FontSet, _parse_cmap, check_font

    monkeypatch.setenv("BRIEFING_PDF_CACHE", str(tmp_path))
    cjk_path = shipped_font_dir() / "wqy-microhei.ttc"
    full = _parse_cmap(cjk_path)
    for attempt in ("cold", "warm"):
        codes = check_font(cjk_path, "b.brand.yaml")
        assert isinstance(codes, CodeSet) and len(codes) == len(full) and set(codes) == full, attempt
        for code in sorted(full | set(range(0, 0x30000, 3)) | {-1, 0x110000}):
            assert (code in codes) == (code in full), code
        assert codes.issuperset(map(ord, "中文 東京")) and not codes.issuperset(map(ord, "中\U0001F600"))
        check_font.__globals__["_inspect"].cache_clear()  # the second round reads the disk cache
    latin = check_font(shipped_font_dir() / "NotoSans-Regular.ttf", "b.brand.yaml")
    assert type(latin) is frozenset
    cjk = FontFile(cjk_path, "CJK", check_font(cjk_path, "b.brand.yaml"))
    sans = FontFile(shipped_font_dir() / "NotoSans-Regular.ttf", "Sans", latin)
    as_main = FontSet({"regular": cjk, "heading": sans}, [sans])
    text = "中 Ā ŉ ḿ"
    unshared = {ord(c) for c in text} - (full & latin)  # what the frozensets gave
    assert as_main.needed_fallbacks(text) == ([sans] if any(code in latin for code in unshared) else [])
    assert as_main.font_for("中", "regular") is None and as_main.covered("中") and not as_main.covered("\U0001F600")
