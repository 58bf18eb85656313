"""The save path of briefing_pdf.pdfwrite writes exactly ReportLab's bytes.

Each test builds the same issue with the adapter and without it (then
``Canvas.save`` does all the work itself, ReportLab's own way) and compares
the files byte for byte. A ReportLab upgrade that changes what it writes
makes these fail instead of letting our output drift from it.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "issues" / "de-2026-11-lieferketten.yaml"
ASIA = ROOT / "tests" / "data" / "stress" / "en-stress-asia.yaml"


def _render(source: Path, standard: str) -> bytes:
    from briefing_pdf.pipeline import check
    from briefing_pdf.render import render

    checked = check(source)
    return render(checked.issue.model, checked.theme, standard=standard).pdf


def _reportlab_only(monkeypatch, source: Path, standard: str) -> bytes:
    """The PDF as Canvas.save writes it without our adapter."""
    import briefing_pdf.render as render_module

    with monkeypatch.context() as m:
        m.setattr(render_module, "prepare_save", lambda canvas: None)
        return _render(source, standard)


@pytest.fixture
def fresh_writer():
    """A font writer with empty memos, for this test only."""
    from briefing_pdf.pdfwrite import font_writer

    font_writer.cache_clear()
    yield font_writer()
    font_writer.cache_clear()


@pytest.mark.parametrize("standard", ["ua-1+a-2a", "a-2b", "none"])
def test_same_bytes_as_reportlab(monkeypatch, fresh_writer, standard):
    plain = _reportlab_only(monkeypatch, SAMPLE, standard)
    first = _render(SAMPLE, standard)   # memos empty: every subset made and compressed
    second = _render(SAMPLE, standard)  # memos full: every subset and stream remembered
    assert first == plain
    assert second == plain


def test_same_bytes_with_fallback_fonts(monkeypatch, fresh_writer):
    """CJK and other fallback faces: larger subsets, several per face."""
    plain = _reportlab_only(monkeypatch, ASIA, "ua-1+a-2a")
    assert _render(ASIA, "ua-1+a-2a") == plain
    assert _render(ASIA, "ua-1+a-2a") == plain


def test_repeated_subsets_are_not_made_again(monkeypatch, fresh_writer):
    """The second build of the same text makes no subset and compresses no font stream."""
    from reportlab.pdfbase import pdfdoc, ttfonts

    made, compressed = [], []
    make, encode = ttfonts.TTFontFile.makeSubset, pdfdoc.PDFStreamFilterZCompress.encode
    monkeypatch.setattr(ttfonts.TTFontFile, "makeSubset",
                        lambda self, subset: made.append(len(subset)) or make(self, subset))
    monkeypatch.setattr(pdfdoc.PDFStreamFilterZCompress, "encode",
                        lambda self, text: compressed.append(len(text)) or encode(self, text))
    _render(SAMPLE, "ua-1+a-2a")
    fonts_made, streams_first = len(made), len(compressed)
    assert fonts_made >= 4  # (body, heading and fallback faces)
    made.clear(), compressed.clear()
    _render(SAMPLE, "ua-1+a-2a")
    assert made == []
    # Only the page and form streams are compressed again (two streams per font are not).
    assert len(compressed) == streams_first - 2 * fonts_made


def test_memo_flate_is_zlib():
    from briefing_pdf.pdfwrite import MemoFlate

    flate = MemoFlate(size=2)
    data = [bytes(range(256)) * n for n in (1, 2, 3)]
    for d in data + data[::-1]:
        assert flate.encode(d) == zlib.compress(d)
        assert flate.decode(flate.encode(d)) == d
    assert len(flate.memo) == 2  # bounded
    assert flate.encode("text ä") == zlib.compress("text ä".encode("utf8"))  # as ReportLab: str as UTF-8
    assert flate.pdfname == "FlateDecode"


def _values():
    """Plain PDF values of every kind FastFormat writes itself, and some it hands on."""
    from collections import OrderedDict

    from reportlab.pdfbase.pdfdoc import PDFArray, PDFArrayCompact, PDFDictionary, PDFName, PDFString

    strings = ["TOP THEMA", "Zurück (Teil 2) \\ Ende", "王文涛 sagt", "tab\there", "", "€ – „Zitat“", "\x7f\x00"]
    numbers = [0, 1, -3, 1e-9, 0.5, -0.25, 51.02362, 785.1969000001, 123456789, 2.0, 1 / 3]
    names = [PDFName("Link"), PDFName("Name with space"), PDFName("A#(b)")]
    ordered = PDFDictionary()
    ordered.dict = OrderedDict([("Z", 1), ("A", 2)])
    forced = PDFArray(list(range(12)))
    forced.multiline = "forced"
    values = [PDFString(s) for s in strings] + numbers + names + [
        True, None, b"[ 1 2 ]", ordered, forced, PDFArrayCompact([1, 2, 3]),
        PDFString("raw", escape=0), PDFString(b"bytes"),
        PDFArray(numbers * 3),
        PDFDictionary({"K%d" % i: i for i in range(14)}),
    ]
    values.append(PDFDictionary({"A": PDFDictionary({"S": PDFName("URI"), "URI": PDFString("https://x.org/?a=(1)")}),
                                 "Rect": PDFArray([126.0749, 206.2969, 290.0794, 217.6969]),
                                 "Border": PDFArray([0, 0, 0]), "List": PDFArray(values[:]),
                                 "Contents": PDFString(strings[1]), "F": 4}))
    return values


def test_fast_format_writes_what_reportlab_writes():
    from reportlab.pdfbase import pdfdoc

    from briefing_pdf.pdfwrite import FastFormat

    doc = pdfdoc.PDFDocument(invariant=1)
    fast = FastFormat()
    for v in _values():
        expected = pdfdoc.format(v, doc)
        assert fast.value(v, doc) == expected, v
        assert fast.value(v, doc) == expected, v  # (again, from the memos)


def test_preformatted_objects_keep_their_references():
    from reportlab.pdfbase import pdfdoc

    from briefing_pdf.pdfwrite import FastFormat, Preformatted

    doc = pdfdoc.PDFDocument(invariant=1)
    page = doc.Reference(pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Page")}), "P1")
    annot = pdfdoc.PDFDictionary({"Dest": pdfdoc.PDFArray([page, pdfdoc.PDFName("XYZ"), 0, 1.5, 0]),
                                  "P": page})
    doc.Reference(annot, "A1")
    expected = pdfdoc.format(annot, doc, toplevel=1)
    wrapped = Preformatted(annot, FastFormat())
    assert pdfdoc.format(wrapped, doc, toplevel=1) == expected
    assert b"/P %d 0 R" % doc.idToObjectNumberAndVersion["P1"][0] in expected


def test_preformatted_link_annotation():
    """An internal link (LinkAnnotation) is written as Annotation.format writes its Dict()."""
    from reportlab.pdfbase import pdfdoc

    from briefing_pdf.pdfwrite import FastFormat, Preformatted

    doc = pdfdoc.PDFDocument(invariant=1)
    page = doc.Reference(pdfdoc.PDFDictionary({"Type": pdfdoc.PDFName("Page")}), "P1")
    dest = pdfdoc.PDFArray([page, pdfdoc.PDFName("XYZ"), 51.02362, 785.1969, 0])
    link = pdfdoc.LinkAnnotation([51.02362, 618.0378, 544.252, 629.0378], "Zurück (S. 2)", dest,
                                 Border="[ 0 0 0 ]", F=4, StructParent=6)
    link.permitted = tuple(link.permitted) + ("StructParent",)  # (as the tagger does)
    doc.Reference(link, "Annot.1")
    expected = pdfdoc.format(link, doc, toplevel=1)
    assert pdfdoc.format(Preformatted(link, FastFormat()), doc, toplevel=1) == expected
    assert b"/Contents (Zur\\374ck \\(S. 2\\))" in expected


def test_srgb_profile_from_the_disk_cache(monkeypatch, tmp_path):
    """The output intent's profile is read back from the cache; a damaged entry is rebuilt."""
    from briefing_pdf.tagging import _make_srgb_profile, srgb_profile

    monkeypatch.setenv("BRIEFING_PDF_CACHE", str(tmp_path))
    monkeypatch.delenv("BRIEFING_PDF_NO_CACHE", raising=False)
    fresh = _make_srgb_profile()
    assert fresh[36:40] == b"acsp" and fresh[24:36] == bytes(12)
    srgb_profile.cache_clear()
    try:
        assert srgb_profile() == fresh
        (entry,) = [p for p in tmp_path.iterdir() if p.name.startswith("srgb-")]
        assert entry.read_bytes() == fresh
        entry.write_bytes(fresh[:100])  # damaged: rebuilt and stored again
        srgb_profile.cache_clear()
        assert srgb_profile() == fresh
        assert entry.read_bytes() == fresh
    finally:
        srgb_profile.cache_clear()
