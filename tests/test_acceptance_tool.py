"""The measuring rules of bench/acceptance.py, on synthetic lines and a hand-drawn PDF.

The acceptance report decides whether issue 8 is done, so its own rules must
catch what they claim (positives) and stay quiet on ordinary breaks
(negatives). The line-break cases use the splits named in issue 8.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load():
    spec = importlib.util.spec_from_file_location("acceptance", ROOT / "bench" / "acceptance.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["acceptance"] = module
    spec.loader.exec_module(module)
    return module


acc = _load()


def line(text: str) -> "acc.Line":
    return acc.Line(page=1, col="L", x0=0, x1=100, base=100, size=9.5, bold=False, text=text, glyphs=[])


@pytest.mark.parametrize("end, start, kind", [
    ("Handelsminister Wang Wentao (王文", "涛) sprach von", "cjk"),
    ("the Bank of Japan (日", "本銀行) three weeks", "cjk"),
    ("Präsident Lee Jae-myung (이재", "명) hat", "cjk"),
    ("Präparate (ジェネリ", "ック) ab April", "cjk"),
    ("Wang Wentao (", "王文涛) sprach", "cjk"),
    ("Steuernachlässen von bis zu 50", "% will Hanoi", "number"),
    ("spending about US$ 98", "bn to support", "number"),
    ("about US$", "150 bn in 2025", "number"),
    ("rund €", "12,4 Mrd. bei", "number"),
    ("Spitzenleistung von 15", "MW erzeugt", "number"),
    ("insgesamt 120", "000 Packungen", "number"),
    ("Shenzhen meldet Exportplus (30", "Nov 2026)", "date"),
    ("bis zum 15.", "Januar 2027 Zeit", "date"),
    ("due by 30 April", "2027. The", "date"),
    ("sagt Dr.", "Anna Keller", "title"),
    ("with Prof.", "Andrius Vaitkevičius", "title"),
    ("die Verordnung (EU) Nr.", "12/2027 über", "title"),
    ("the lawsuit No.", "12 on the list", "title"),
    ("nach §", "12 AMG", "title"),
    ("der Pharmaberater J.", "R. Ewing", "title"),
])
def test_split_found(end, start, kind):
    assert acc.split_kind(line(end), line(start)) == kind


@pytest.mark.parametrize("end, start", [
    ("In 2024 the mills sold", "more abroad than ever"),
    ("a record of 110", "million tonnes"),
    ("im Oktober", "2025 verkündeten"),  # month and year without a day may break
    ("status report (기업가치 제고", "계획 공시 현황)"),  # long Korean note, broken at a space
    ("(2027년 고용허", "가제 외국인력 도입 규모)"),  # long Korean note
    ("Bekanntmachung (商务部公告2026年", "第18号：关于稀土相关物项出口管制措施实施安排的公告)"),
    ("Prof. Li", "Ming, Gastwissenschaftler"),  # title stays with the first name
    ("Arzneimittelversorgungssicherheitsgesetz ........ 3", "Wirkstoffzölle ....... 4"),
    ("the Korea-", "Gipfel"),
])
def test_ordinary_break_not_counted(end, start):
    assert acc.split_kind(line(end), line(start)) is None


def _metrix_pdf(path: Path, parts: list[str]) -> None:
    """Draw a METRIX-like value in huge type, one part per baseline."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.setFont("Helvetica", 10)
    c.drawString(72, 780, "Body text 49,1 at body size does not count.")
    c.setFont("Helvetica-Bold", 60)
    for i, part in enumerate(parts):
        c.drawString(72, 600 - 66 * i, part)
    c.save()


@pytest.mark.parametrize("parts, lines", [(["49,1"], 1), (["4", "9,1"], 2), (["7", ",25"], 2)])
def test_metrix_lines_counts_baselines(tmp_path, parts, lines):
    pdf = tmp_path / "m.pdf"
    _metrix_pdf(pdf, parts)
    found = acc.metrix_lines(pdf, "".join(parts))
    assert found["lines"] == lines
    assert found["size_pt"] == 60


def test_metrix_value_missing_is_reported(tmp_path):
    pdf = tmp_path / "m.pdf"
    _metrix_pdf(pdf, ["88"])
    assert acc.metrix_lines(pdf, "3,5 %")["lines"] is None
