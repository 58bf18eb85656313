"""Text inside an SVG logo is kerned like all other text (issue 8: "in all text").

The Baltic stress brand's wordmark "DAUGAVA" is live SVG text; ReportLab's
drawing renderer writes it with plain ``Tj``. We measure the drawn glyphs.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber

from briefing_pdf.fonts import shipped_font_dir
from briefing_pdf.kerning import table_for_file
from briefing_pdf.pipeline import build

STRESS = Path(__file__).resolve().parent / "data" / "stress"


def test_svg_logo_text_is_kerned(tmp_path):
    pdf = tmp_path / "baltic.pdf"
    build(STRESS / "en-stress-baltic.yaml", pdf)
    table = table_for_file(shipped_font_dir() / "NotoSans-Bold.ttf")
    with pdfplumber.open(str(pdf)) as doc:
        chars = [c for c in doc.pages[0].chars if c["top"] < 60 and c["fontname"].endswith("NotoSans-Bold")]
    chars.sort(key=lambda c: c["x0"])
    pairs = [(a, b) for a, b in zip(chars, chars[1:]) if a["text"] + b["text"] in ("AV", "VA", "DA")
             and abs(a["top"] - b["top"]) < 0.5]
    assert len(pairs) == 3, "the wordmark DAUGAVA is drawn on page 1"
    for a, b in pairs:
        expected = table.get(a["text"] + b["text"], 0.0) / 1000 * a["size"]
        assert expected < -0.1, "these pairs carry kern data in Noto Sans Bold"
        assert abs((b["x0"] - a["x1"]) - expected) < 0.05, (a["text"] + b["text"], b["x0"] - a["x1"], expected)
