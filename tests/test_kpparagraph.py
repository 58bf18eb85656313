"""End-to-end tests for KPParagraph: a real PDF in two narrow frames."""
import re
from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from briefing_pdf.hyphenate import get_hyphenator
from briefing_pdf.kerning import PROTRUDE_RIGHT
from briefing_pdf.kpparagraph import KPParagraph

FONTS = Path(__file__).resolve().parents[1] / "fonts"
FRAME_W = 150.0
FRAME_H = 12.5 * 9          # nine lines per frame
FRAMES = [(50.0, 500.0), (260.0, 500.0)]

TEXT = (
    '<a name="top"/>Die Europäische Kommission hat am Dienstag neue Leitlinien zur '
    'Umsetzung der KI-Verordnung vorgelegt. Der Minister <b>Wang Wentao</b> '
    '(<font name="KPTestCJK">王文涛</font>) betonte, die '
    '<i>Exportbeschränkungen</i> für Hochleistungschips beträfen das '
    'Europe-US-China-Dreieck. Weitere Informationen gibt es auf der '
    '<a href="https://example.org/leitlinien" color="#1F3A5F">Website der '
    'Europäischen Kommission und in den Stellungnahmen</a> der Verbände. '
    'AT&amp;T und &lt;Zhang&gt; bleiben erhalten. Rechenzentren benötigen '
    'inzwischen so viel Strom wie mittelgroße Städte, und Netzbetreiber prüfen '
    'Anschlussanfragen künftig ausführlicher als bisher.'
)
PLAIN = re.sub(r"<[^>]+>", "", TEXT).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


@pytest.fixture(scope="module", autouse=True)
def fonts():
    for name, fn in [("KPTestSerif", "NotoSerif-Regular"), ("KPTestSerif-Bold", "NotoSerif-Bold"),
                     ("KPTestSerif-Italic", "NotoSerif-Italic"),
                     ("KPTestSerif-BoldItalic", "NotoSerif-BoldItalic")]:
        pdfmetrics.registerFont(TTFont(name, str(FONTS / (fn + ".ttf"))))
    pdfmetrics.registerFont(TTFont("KPTestCJK", str(FONTS / "wqy-microhei.ttc"), subfontIndex=0))
    addMapping("KPTestSerif", 0, 0, "KPTestSerif")
    addMapping("KPTestSerif", 1, 0, "KPTestSerif-Bold")
    addMapping("KPTestSerif", 0, 1, "KPTestSerif-Italic")
    addMapping("KPTestSerif", 1, 1, "KPTestSerif-BoldItalic")


def style(**kw):
    base = dict(fontName="KPTestSerif", fontSize=9.5, leading=12.5, alignment=TA_JUSTIFY,
                allowWidows=0, allowOrphans=0)
    base.update(kw)
    return ParagraphStyle("kp", **base)


def build(path, flowables):
    doc = BaseDocTemplate(str(path), pagesize=A4, invariant=1)
    frames = [Frame(x, y, FRAME_W, FRAME_H, id="f%d" % i, leftPadding=0, rightPadding=0,
                    topPadding=0, bottomPadding=0) for i, (x, y) in enumerate(FRAMES)]
    doc.addPageTemplates([PageTemplate("two", frames)])
    doc.build(flowables)


def lines_of(page, x0, x1):
    chars = [c for c in page.chars if x0 - 1 <= c["x0"] < x1]
    rows = {}
    for c in chars:
        rows.setdefault(round(c["matrix"][5], 1), []).append(c)   # baseline
    return [sorted(r, key=lambda c: c["x0"]) for _, r in sorted(rows.items(), reverse=True)]


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("kp") / "kp.pdf"
    hy = get_hyphenator("de")
    build(path, [KPParagraph(TEXT, style(), hyphenator=hy)])
    with pdfplumber.open(str(path)) as doc:
        page = doc.pages[0]
        cols = []
        for x, _ in FRAMES:
            cols.append(lines_of(page, x, x + FRAME_W + 30))
        annots = page.annots
        yield dict(path=path, cols=cols, annots=annots, page=page, chars=page.chars)


def test_split_across_both_frames(pdf):
    left, right = pdf["cols"]
    assert len(left) >= 2 and len(right) >= 2


def text_lines(pdf):
    out = []
    for col in pdf["cols"]:
        for row in col:
            out.append("".join(c["text"] for c in row))
    return out


def test_all_words_present_in_order(pdf):
    got = "".join(text_lines(pdf))
    norm = lambda s: re.sub(r"[\s\-]", "", s)
    assert norm(got) == norm(PLAIN)


def test_line_end_hyphen_is_real_hyphen(pdf):
    lines = text_lines(pdf)
    ends = [l.rstrip()[-1] for l in lines]
    assert "-" in ends
    assert "\xad" not in "".join(lines)
    # explicit compound hyphens survive wherever the line breaks
    joined = "".join(l for l in lines).replace(" ", "")
    assert "Europe-US-China-Dreieck" in joined


def test_no_split_rejoin_artifact(pdf):
    lines = text_lines(pdf)
    for l in lines:
        assert not re.search(r"[a-zäöüß]- [a-zäöüß]", l), l


def test_no_line_overflows_frame(pdf):
    # A hyphen, comma or full stop at a line end hangs into the margin
    # (protrusion): its advance ends beyond the frame, but it starts inside.
    for (x, _), col in zip(FRAMES, pdf["cols"]):
        for row in col:
            last = row[-1]
            if last["text"] in PROTRUDE_RIGHT:
                assert last["x0"] <= x + FRAME_W + 0.01, "".join(c["text"] for c in row)
            else:
                assert last["x1"] <= x + FRAME_W + 0.5, "".join(c["text"] for c in row)
            assert row[0]["x0"] >= x - 0.01


def test_justified_lines_reach_right_edge(pdf):
    left = pdf["cols"][0]
    # every line of the first frame (including the split part's last line)
    # is justified: a letter ends exactly on the edge, a hyphen, comma or
    # full stop overshoots it by its protrusion (a share of its own width;
    # less on a line that would otherwise be set looser than r = 1).
    # pdfminer (pdfplumber) drops the Tc after the last glyph of each text
    # operator, so a line with several runs reads up to ~0.1 pt short here;
    # tests/test_kerning.py measures exactly, with pdfium's glyph origins.
    edge = FRAMES[0][0] + FRAME_W
    hung = full = 0
    for row in left:
        last = row[-1]
        share = PROTRUDE_RIGHT.get(last["text"])
        if share:
            hung += 1
            face = "KPTestSerif" + ("-Bold" if "Bold" in last["fontname"] else "") \
                + ("-Italic" if "Italic" in last["fontname"] else "")
            hang = share * pdfmetrics.stringWidth(last["text"], face.replace("-Bold-", "-Bold"), 9.5)
            over = last["x1"] - edge
            assert -0.15 < over < hang + 0.15
            full += abs(over - hang) < 0.15
        else:
            assert abs(last["x1"] - edge) < 0.15
    assert hung >= 1 and full >= 1


def test_link_annotations(pdf):
    uris = [a for a in pdf["annots"] if (a.get("uri") or "").startswith("https://example.org")]
    assert len(uris) >= 2, "link spanning a line break must give one rect per line"
    for a in uris:
        assert a["x1"] - a["x0"] > 5


def test_cjk_drawn_with_cjk_font(pdf):
    cjk = [c for c in pdf["chars"] if c["text"] in "王文涛"]
    assert len(cjk) == 3
    latin = [c for c in pdf["chars"] if c["text"] == "D"][0]
    for c in cjk:
        assert c["fontname"] != latin["fontname"]
        assert "Hei" in c["fontname"] or "WenQuanYi" in c["fontname"] or "KPTestCJK" in c["fontname"]


def test_bold_and_italic_fonts_used(pdf):
    names = {c["fontname"].split("+")[-1] for c in pdf["chars"]}
    assert any("Bold" in n for n in names) and any("Italic" in n for n in names)


def test_orphan_and_widow_control():
    p = KPParagraph(PLAIN.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
                    style(), hyphenator=get_hyphenator("de"))
    w, h = p.wrap(FRAME_W, 1e6)
    n = round(h / 12.5)
    assert n >= 5
    assert p.split(FRAME_W, 12.5 * 1.5) == []            # would orphan one line
    parts = p.split(FRAME_W, 12.5 * (n - 1) + 1)          # would leave a widow
    assert len(parts) == 2
    h1 = parts[0].wrap(FRAME_W, 1e6)[1]
    h2 = parts[1].wrap(FRAME_W, 1e6)[1]
    # n - 2 lines, or one fewer when that line would end in a hyphen
    # (no word hyphenated across a column break)
    hyphenated = p._kp_breaks.lines[n - 3].hyphenated
    assert round(h1 / 12.5) == (n - 3 if hyphenated else n - 2)
    assert round(h2 / 12.5) == n - round(h1 / 12.5)
    # splits keep the computed breaks: same lines as the unsplit paragraph
    assert round(h1 / 12.5) + round(h2 / 12.5) == n


def test_split_keeps_optimal_breaks():
    p = KPParagraph(TEXT, style(), hyphenator=get_hyphenator("de"))
    p.wrap(FRAME_W, 1e6)
    full = [p._line_runs(p._kp_breaks.items, ln)[0] for ln in p._kp_breaks.lines]
    full = ["".join(t for _, t in r) for r in full]
    a, b = p.split(FRAME_W, 12.5 * 4 + 1)
    got = []
    for part in (a, b):
        part.wrap(FRAME_W, 1e6)
        got += ["".join(t for _, t in part._line_runs(part._kp_breaks.items, ln)[0])
                for ln in part._kp_breaks.lines]
    assert got == full


def test_left_alignment_and_empty(tmp_path):
    p = KPParagraph("Kurzer Text ohne Blocksatz, aber mit Umbruch in schmaler Spalte.",
                    style(alignment=TA_LEFT))
    w, h = p.wrap(80, 1e6)
    assert h >= 2 * 12.5
    e = KPParagraph("", style())
    assert e.wrap(80, 1e6)[1] == 0
    build(tmp_path / "l.pdf", [p, e])
    with pdfplumber.open(str(tmp_path / "l.pdf")) as doc:
        txt = doc.pages[0].extract_text()
    assert "Kurzer" in txt and "Spalte." in txt


def test_oversize_token_emergency(tmp_path):
    url = "https://example.org/" + "averyveryverylongpathsegmentwithoutbreaks" * 2
    p = KPParagraph('Siehe <a href="%s">%s</a> dazu.' % (url, url), style())
    p.wrap(100, 1e6)
    for ln in p._kp_breaks.lines:
        assert ln.natural - ln.shrink <= ln.width + 1e-6
    build(tmp_path / "u.pdf", [p])
    with pdfplumber.open(str(tmp_path / "u.pdf")) as doc:
        chars = doc.pages[0].chars
        txt = "".join(c["text"] for c in chars)
        assert url in txt.replace(" ", "")
        assert max(c["x1"] for c in chars) <= FRAMES[0][0] + FRAME_W + 0.5
    p.wrap(FRAME_W, 1e6)
    assert len(p._kp_breaks.lines) >= 2


def test_line_break_tag():
    p = KPParagraph("Erste Zeile<br/>Zweite Zeile", style())
    p.wrap(FRAME_W, 1e6)
    assert len(p._kp_breaks.lines) == 2
    assert p._kp_breaks.lines[0].forced


# --------------------------------------------------------------------------- who may be hyphenated


def hyphen_points(markup, hyphenator, **settings):
    """``{text before the point: cost}`` for every added-hyphen break of a paragraph."""
    from briefing_pdf.kpparagraph import KPSettings

    p = KPParagraph(markup, style(), hyphenator=hyphenator,
                    settings=KPSettings(**settings) if settings else None)
    out, text = {}, ""
    for it in p._items(True):
        if it.is_box:
            text += "".join(t for _, t in it.payload)
        elif it.is_glue:
            text += " "
        elif it.auto:
            out[text.split(" ")[-1]] = it.cost
    return out


def test_english_names_hyphenate_only_reluctantly():
    en = get_hyphenator("en")
    pts = hyphen_points("Officials from Indonesia met. Indonesia discussed responsibilities "
                        "with Philippines officials.", en)
    assert pts.get("respon") == 100.0                   # an ordinary word
    # "Indonesia" mid-sentence: a name (9 letters < 14: not at all);
    # at the start of a sentence: an ordinary word
    assert [k for k in pts if k.startswith("In")] == ["In", "Indone"]
    assert not [k for k in pts if k.startswith("Phil")]


def test_foreign_words_break_only_reluctantly_and_keep_four_letters():
    de = get_hyphenator("de")
    pts = hyphen_points("Die Kommissarin Dubravka Šuicaabcdefghijklmnopq sprach mit "
                        "Gewerkschaftsvertretern.", de)
    foreign = {k: v for k, v in pts.items() if k.startswith("Šui")}
    assert foreign and set(foreign.values()) == {5000.0}        # reluctant cost
    assert all(len(k) >= 4 for k in foreign) and "Šui" not in foreign
    assert pts["Ge"] == 100.0 and pts["Du"] == 100.0            # German capitals: ordinary


def test_reluctant_breaks_keep_four_letters_on_each_side():
    de = get_hyphenator("de")
    word = "Arbeitsmarktstatistiken"          # Ar-beits-markt-sta-tis-ti-ken
    assert de.positions(word)[0] == 2 and len(word) - de.positions(word)[-1] == 3
    pts = hyphen_points(word, de, hyphenate=False)
    assert pts and all(len(k) >= 4 and len(word) - len(k) >= 4 for k in pts), pts
    assert set(hyphen_points(word, de)) > set(pts)          # body text keeps all points


def test_house_exception_in_bold_and_in_headings():
    h = get_hyphenator("de", ("Deep-Seek",))
    assert hyphen_points("Wir sagen <b>DeepSeek</b> hier.", h) == {"Deep": 100.0}
    assert hyphen_points("Wir nennen DeepSeek hier.", h, hyphenate=False) == {}   # 8 letters fit


def _item_view(p):
    """The items a paragraph gives the breaker, as comparable values, and the
    fragments their text belongs to."""
    from briefing_pdf import linebreak as lb

    view, frags = [], []
    for it in p._build_items(True):
        if it.is_box:
            view.append(("B", it.width, it.stretch, it.shrink, "".join(t for _, t in it.payload),
                         it.pieces() if callable(it.pieces) else it.pieces))
            frags += [f for f, _ in it.payload]
        elif it.is_glue:
            view.append(("G", it.width, it.stretch, it.shrink))
            frags.append(it.payload)
        else:
            view.append(("P", it.width, it.cost, it.flagged, it.auto, it.payload is None))
            if it.payload is not None and it.payload is not lb.TIE:
                frags.append(it.payload)
    return view, frags


@pytest.mark.parametrize("lang", ["de", "en"])
def test_word_plans_are_reused_without_changing_items(lang):
    """Items made from the per-word memo (second paragraph with the same words)
    equal the items made from scratch, and every box, glue and hyphen
    penalty carries its own paragraph's fragment (colour, link), never the
    fragment of the paragraph that filled the memo. English capitalised words
    at a sentence start and inside a sentence are told apart (a name
    hyphenates only reluctantly)."""
    from briefing_pdf import kpparagraph as kp

    text = ("Information Rechenzentren. Wir Information Rechenzentren benötigen Netzbetreiber, "
            "Anschlussanfragen; Exportbeschränkungen Maschinenbau- und Elektroindustrie. ")
    hy = get_hyphenator(lang)
    kp._PLANS.clear()
    cold = KPParagraph(text * 2, style(), hyphenator=hy)
    want, _ = _item_view(cold)
    warm = KPParagraph('<font color="#ff0000">' + text * 2 + '</font>', style(), hyphenator=hy)
    assert kp._PLANS and any(kp._PLANS.values())
    got, frags = _item_view(warm)
    assert got == want
    own = {id(f) for f in warm.frags}
    assert frags and all(id(f) in own for f in frags)
    plans = {key[3]: plan for memo in kp._PLANS.values() for key, plan in memo.items() if key[0] == "Information"}
    assert set(plans) == {True, False}
    # English: a capital inside a sentence is a name (no hyphenation points in
    # a short one); German capitalises nouns, so both break alike
    assert (len(plans[True][0]) > len(plans[False][0])) == (lang == "en")


def test_words_of_several_segments_are_reused_with_their_own_fragments():
    from briefing_pdf import linebreak as lb

    """A word made of several fragments (bold inside a word, a link ending
    mid-word, a soft hyphen, a CJK name in the fallback font) is planned once
    and rebuilt from the memo with the second paragraph's own fragments, each
    piece in the fragment that really holds its characters."""
    from briefing_pdf import kpparagraph as kp

    text = ('Die <b>Wind</b>parkbetreiber und <a href="https://example.org/w" color="#0000ff">Offshore</a>'
            '-Werften aus Nagasaki (<font name="Helvetica">長崎</font>) erwarten Aus\xadschreibungs<i>unterlagen</i> '
            'für Schwerlastverladungen. ')
    hy = get_hyphenator("de")
    kp._PLANS.clear()
    cold = KPParagraph(text * 3, style(), hyphenator=hy)
    want = _font_view(cold)
    multi = [key for memo in kp._PLANS.values() for key in memo if type(key[0]) is tuple]
    warm = KPParagraph('<font color="#ff0000">' + text * 3 + '</font>', style(), hyphenator=hy)
    assert len(multi) >= 4  # the memo holds the words of several segments
    assert _font_view(warm) == want
    own = {id(f) for f in warm.frags}
    _, frags = _item_view(warm)
    assert frags and all(id(f) in own for f in frags)
    hyphen_frags = [it.payload for it in warm._build_items(True)
                    if it.is_penalty and it.flagged and it.payload is not None and it.payload is not lb.TIE]
    assert hyphen_frags, "the content must offer hyphenation points inside words of several segments"
    # a hyphen is drawn in the fragment of the character before it
    items = warm._build_items(True)
    checked = 0
    for before, it in zip(items, items[1:]):
        if it.is_penalty and it.flagged and it.auto and before.is_box:
            assert it.payload is [f for f, t in before.payload if t][-1]
            checked += 1
    assert checked >= 3


def _font_view(p) -> list:
    from briefing_pdf import linebreak as lb

    """Items with the font of every piece (which fragment draws what)."""
    out = []
    for it in p._build_items(True):
        if it.is_box:
            out.append(("B", it.width, it.stretch, tuple((f.fontName, t) for f, t in it.payload)))
        elif it.is_glue:
            out.append(("G", it.width, it.stretch, it.shrink))
        else:
            out.append(("P", it.width, it.cost, it.flagged, it.auto,
                        getattr(it.payload, "fontName", None) if it.payload is not lb.TIE else "tie"))
    return out


MARKUPS = [
    "plain text only",
    "  leading and trailing   spaces\n and a newline  ",
    "AT&amp;T &lt;Zhang&gt; &quot;quoted&quot; caf&#233; &#x4E2D;&#x6587; &nbsp;x &unknownentity; &copy;",
    '<a name="top"/>Anchor first, <b>bold <i>bold italic</i></b> <I>upper</I> <strong>s</strong>',
    '<font name="KPTestSerif-Bold" color="#1F3A5F" size="12">font</font> after<br/>line two<br />three',
    '<a href="https://e.org/?a=1&amp;b=&quot;2&quot;" color="#FF0000">link <b>bold</b></a> tail',
    '<para>explicit para tag</para>',
    '<font name="KPTestCJK">王文涛</font>、<b>Wang</b>',
    "x<u>under</u> <strike>struck</strike> <sup>sup</sup> <sub>sub</sub> end",
    # outside the plain form: ReportLab's own tokenizer reads these
    "<b >spaced tag</b> and <font name='KPTestSerif'>single quotes</font>",
    "a &amp b and <!-- a comment --> c",
]


@pytest.mark.parametrize("markup", MARKUPS)
def test_fragments_equal_reportlabs_parse(markup):
    """KPParagraph tokenises its markup itself (ReportLab's handlers make the
    fragments): every fragment equals what ReportLab's Paragraph makes, and
    markup outside the plain form goes to ReportLab's own tokenizer."""
    from reportlab.platypus.paragraph import Paragraph

    from briefing_pdf.kpparagraph import _markup_events

    def view(p):
        return [sorted((k, repr(v)) for k, v in f.__dict__.items()) for f in p.frags]

    theirs, ours = Paragraph(markup, style()), KPParagraph(markup, style())
    assert view(ours) == view(theirs) and ours.text == theirs.text
    fast = _markup_events("<para>" + markup + "</para>") is not None
    assert fast == (markup not in MARKUPS[-2:])


def test_markup_errors_stay_reportlabs():
    """Bad markup (and a colour toColor rejects) fails with ReportLab's own error."""
    from reportlab.platypus.paragraph import Paragraph

    for bad in ("<b>unclosed", "<b>crossed <i>tags</b></i>", '<font color="no-such-colour">x</font>'):
        with pytest.raises(ValueError) as theirs:
            Paragraph(bad, style())
        with pytest.raises(ValueError) as ours:
            KPParagraph(bad, style())
        assert str(ours.value).split("\n")[0] == str(theirs.value).split("\n")[0]


def test_tag_colours_are_parsed_once():
    """A ``color`` attribute becomes one colour object per value, equal to what
    ReportLab's parser makes of the string."""
    from reportlab.platypus.paragraph import Paragraph

    markup = '<font color="#1F3A5F">a</font> <a href="https://e.org" color="#1F3A5F">b</a>'
    first, second = KPParagraph(markup, style()), KPParagraph(markup, style())
    theirs = Paragraph(markup, style())
    colours = [f.textColor for f in first.frags if f.text.strip()]
    assert len(colours) == 2 and colours[0] is colours[1]
    assert colours[0] is next(f.textColor for f in second.frags if f.text.strip())
    assert colours == [f.textColor for f in theirs.frags if f.text.strip()]
