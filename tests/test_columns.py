"""flowables.Columns balances exactly like ReportLab's BalancedColumns.

Columns only memoises each flowable's size during the trial splits of the
height search; the search, the splits and the layout must stay ReportLab's.
So the same random stories (paragraphs, headings kept with lines, callouts,
bullet stacks, long enough to continue on further pages) are built once with
each class, and the PDFs must be the same bytes.
"""
import random

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus.flowables import BalancedColumns

import pytest

from briefing_pdf.flowables import Bulleted, Callout, Columns, KeepWithLines, Stack
from briefing_pdf.fonts import shipped_font_dir
from briefing_pdf.hyphenate import get_hyphenator
from briefing_pdf.kpparagraph import KPParagraph

WORDS = ("Die Kommission hat am Dienstag neue Leitlinien zur Umsetzung der Verordnung "
         "vorgelegt Netzbetreiber prüfen Anschlussanfragen künftig ausführlicher als bisher "
         "Rechenzentren benötigen inzwischen so viel Strom wie mittelgroße Städte und die "
         "Lieferketten der Halbleiterindustrie bleiben angespannt").split()


@pytest.fixture(scope="module", autouse=True)
def fonts():
    pdfmetrics.registerFont(TTFont("ColTestSerif", str(shipped_font_dir() / "NotoSerif-Regular.ttf")))


def _style(size=9.5, leading=12.5, before=0.0, after=4.0):
    return ParagraphStyle("col", fontName="ColTestSerif", fontSize=size, leading=leading,
                          alignment=TA_JUSTIFY, spaceBefore=before, spaceAfter=after,
                          allowWidows=0, allowOrphans=0)


def _story(seed: int, columns_class) -> list:
    rng = random.Random(seed)
    hy = get_hyphenator("de")

    def para(n_words, **kw):
        text = " ".join(rng.choice(WORDS) for _ in range(n_words)) + "."
        return KPParagraph(text, _style(**kw), hyphenator=hy)

    story = []
    for _block in range(rng.randint(1, 3)):
        content = [KeepWithLines([para(rng.randint(3, 8), size=14, leading=16, after=3)],
                                 para(rng.randint(20, 90)), lines=2, min_height=25)]
        for _ in range(rng.randint(2, 9)):
            roll = rng.random()
            if roll < 0.6:
                content.append(para(rng.randint(5, 120)))
            elif roll < 0.75:
                content.append(Callout([para(rng.randint(10, 60)) for _ in range(rng.randint(1, 2))],
                                       "#EEEEEE", "#AA0000", 6, 2, min_lines_height=26))
            elif roll < 0.9:
                items = [Bulleted(para(rng.randint(4, 20), after=1), "#AA0000", 4) for _ in range(3)]
                content.append(Stack([para(3, after=2), *items]))
            else:
                content.append(Bulleted(para(rng.randint(30, 70)), "#AA0000", 4))
        story.append(columns_class(content, nCols=2, innerPadding=12, spaceAfter=10, endSlack=0.1,
                                   leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0))
    return story


def _pdf(tmp_path, name, story) -> bytes:
    path = tmp_path / name
    doc = BaseDocTemplate(str(path), pagesize=A4, invariant=1)
    frame = Frame(50, 60, 480, 700, id="body", leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", [frame])])
    doc.build(story)
    return path.read_bytes()


@pytest.mark.parametrize("seed", range(12))
def test_same_pdf_as_balanced_columns(tmp_path, seed):
    ours = _pdf(tmp_path, "ours.pdf", _story(seed, Columns))
    theirs = _pdf(tmp_path, "theirs.pdf", _story(seed, BalancedColumns))
    assert ours == theirs


def test_stories_are_long_enough_to_continue(tmp_path):
    """Some stories must overflow a page (the continuation is balanced too)."""
    pages = [_pdf(tmp_path, "p.pdf", _story(seed, Columns)).count(b"/Type /Page\n")
             for seed in range(12)]
    assert max(pages) >= 2 and min(pages) == 1


def test_trials_measure_each_flowable_once(tmp_path, monkeypatch):
    """The point of Columns: the height search does not re-wrap content.
    Counts the wraps of top-level paragraphs made while balancing."""
    calls = []
    balancing = [0]
    wrap, generate = KPParagraph.wrap, BalancedColumns._generated_content

    def counting_wrap(self, w, h):
        if balancing[0]:
            calls.append(id(self))
        return wrap(self, w, h)

    def counting_generate(self, aW, aH):
        balancing[0] += 1
        try:
            return generate(self, aW, aH)
        finally:
            balancing[0] -= 1

    monkeypatch.setattr(KPParagraph, "wrap", counting_wrap)
    monkeypatch.setattr(BalancedColumns, "_generated_content", counting_generate)
    counts = {}
    for cls in (Columns, BalancedColumns):
        story = [b for seed in range(6) for b in _story(seed, cls)]
        top = {id(f) for block in story for f in block._content if isinstance(f, KPParagraph)}
        calls.clear()
        _pdf(tmp_path, "count.pdf", story)
        counts[cls.__name__] = sum(1 for c in calls if c in top)
    assert counts["Columns"] * 3 < counts["BalancedColumns"], counts
