"""Shaping stays off, and the case that crashes ReportLab's shaping path builds.

ReportLab 5.1 with ``shaping=1`` (uharfbuzz) raises a TypeError when a
hyphenated paragraph is split across frames and laid out again, an
AttributeError for words mixing a Latin and a CJK fallback font, and an
IndexError for paragraphs starting with ``<a name/>`` (docs/typography.md).
briefing-pdf therefore sets text unshaped; this test builds exactly those
three situations through the real pipeline pieces and checks the text.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from briefing_pdf.fonts import load_fontset
from briefing_pdf.hyphenate import get_hyphenator
from briefing_pdf.kpparagraph import KPParagraph
from briefing_pdf.text import to_markup

TEXT = ("Die Halbleiterlieferkettenresilienz der Europäischen Union hängt an "
        "Exportkontrollbestimmungen, an CATL (宁德时代) und an Samsung (삼성전자). ") * 12


def test_hyphenated_mixed_font_paragraph_split_across_frames_builds_unshaped():
    fonts = load_fontset({}, None, "<shipped>")
    fonts.register_all()
    style = ParagraphStyle("b", fontName=fonts.name("regular"), fontSize=9.5, leading=12.5,
                           alignment=TA_JUSTIFY, allowWidows=0, allowOrphans=0)
    markup = '<a name="anchor"/>' + to_markup(TEXT, fonts)
    para = KPParagraph(markup, style, hyphenator=get_hyphenator("de"))
    assert not getattr(para, "shaping", 0) and not getattr(style, "shaping", 0)

    buffer = io.BytesIO()
    doc = BaseDocTemplate(buffer, pagesize=(300, 300), invariant=1)
    frames = [Frame(20, 150, 120, 130, id="a"), Frame(160, 150, 120, 130, id="b"),
              Frame(20, 10, 260, 130, id="c")]
    doc.addPageTemplates([PageTemplate("p", frames)])
    doc.build([para])  # split over three frames of two widths: must not raise

    pdf = pdfium.PdfDocument(buffer.getvalue())
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    # Line ends: pdfium marks a line-final hyphen as U+FFFE; CJK runs may break between characters.
    joined = "".join(text.replace("\ufffe", "").replace("-\r\n", "").split())
    assert joined.count("宁德时代") == 12 and joined.count("삼성전자") == 12
    assert joined.count("Exportkontrollbestimmungen") == 12
    assert doc.page >= 2  # the paragraph really went through several frames and a page break
