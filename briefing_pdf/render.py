"""Render: page templates, the multi-pass build and PDF metadata.

Page 1 carries the masthead and the contents; contents that run long
continue on full-width pages; the body pages hold one full-width frame in
which each section lays itself out in balanced columns. The contents list
physical page numbers, which are only known after layout, so the document is
written as form XObjects that are filled in when the single layout pass ends.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import os
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass
from typing import Callable, Iterator

from . import rlstart  # noqa: F401  (before any reportlab.platypus import: a lazy URI regex)
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from .brand import Theme, long_date
from .document import Node, build_document
from .flowables import PageRegistry, draw_runs, runs_width
from .layout import LayoutContext, build_story, make_styles
from .model import Issue
from .pdfwrite import prepare as prepare_save
from .standards import DEFAULT_STANDARD, STANDARDS
from .tagging import ARTIFACT_FOOTER, Tagger, add_pdfa, artifact, marked
from .text import font_runs

PAGE_W, PAGE_H = A4


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    heading_pages: dict[str, int]


def _epoch(issue: Issue) -> int:
    """Document timestamps: SOURCE_DATE_EPOCH if set, else the issue date (noon UTC)."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    moment = dt.datetime(issue.date.year, issue.date.month, issue.date.day, 12, tzinfo=dt.timezone.utc)
    return int(moment.timestamp())


@contextmanager
def _source_date(epoch: int) -> Iterator[None]:
    # ReportLab reads SOURCE_DATE_EPOCH when it creates the document.
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


class _Page:
    """Draws the page furniture: masthead on page 1, footer on the others."""

    def __init__(self, issue: Issue, theme: Theme, document: Node) -> None:
        self.issue, self.theme = issue, theme
        masthead = document.find(role="masthead")
        assert masthead is not None
        self.masthead_node = masthead
        d = theme.design
        self.left, self.right = d.margin_inside_mm * mm, PAGE_W - d.margin_outside_mm * mm
        self.masthead_h = d.masthead_mm * mm

    def _text(self, canvas, x: float, y: float, text: str, face: str, size: float,
              tracking: float = 0, align: str = "left") -> None:
        fonts = self.theme.fonts
        runs = [(font or fonts.name(face), chunk) for font, chunk in font_runs(text, fonts, face)]
        if align == "right":
            x -= runs_width(runs, size, tracking)
        draw_runs(canvas, x, y, runs, size, tracking)

    def masthead(self, canvas, doc) -> None:
        """The band is furniture; date line, series title and logo are content (tagged)."""
        theme, c = self.theme, self.theme.colors
        node = self.masthead_node.find
        canvas.saveState()
        top = PAGE_H
        with artifact(canvas):
            canvas.setFillColor(HexColor(c.primary))
            canvas.rect(0, top - self.masthead_h, PAGE_W, self.masthead_h, stroke=0, fill=1)
            canvas.setFillColor(HexColor(c.accent))
            canvas.rect(0, top - self.masthead_h, PAGE_W, 1.6 * mm, stroke=0, fill=1)
        canvas.setFillColor(HexColor("#FFFFFF"))
        y_date = top - 16 * mm
        dateline, series = node(role="dateline"), node(role="series")
        with marked(canvas, dateline):
            self._text(canvas, self.left, y_date, dateline.plain_text(), "heading_bold", 8, tracking=1.2)
        with marked(canvas, series):
            self._text(canvas, self.left, top - 31 * mm, series.plain_text(), "heading_bold", 28)
        if theme.logo is not None:
            with marked(canvas, node(role="logo")):
                self._logo(canvas, top)
        else:
            brand = node(role="brand")
            with marked(canvas, brand):
                self._text(canvas, self.right, y_date, brand.plain_text(), "heading_bold", 9,
                           tracking=1.5, align="right")
        canvas.restoreState()

    def _logo(self, canvas, top: float) -> None:
        logo = self.theme.logo
        assert logo is not None
        box_h, box_w = 12 * mm, 60 * mm
        if logo.suffix.lower() == ".svg":
            from reportlab.graphics import renderPDF

            drawing = svg_drawing(logo)
            if drawing is not None:
                _embed_svg_text(drawing, self.theme)
            if drawing is None or not drawing.width or not drawing.height:
                return
            scale = min(box_h / drawing.height, box_w / drawing.width)
            drawing.scale(scale, scale)
            with _kerned_strings(canvas):
                renderPDF.draw(drawing, canvas, self.right - drawing.width * scale, top - 20 * mm)
        else:
            canvas.drawImage(str(logo), self.right - box_w, top - 20 * mm, box_w, box_h,
                             preserveAspectRatio=True, anchor="ne", mask="auto")

    def footer(self, canvas, doc) -> None:
        d = self.theme.design
        y = d.margin_bottom_mm * mm - 9 * mm
        with artifact(canvas, ARTIFACT_FOOTER):
            self._footer(canvas, y)

    def _footer(self, canvas, y: float) -> None:
        theme, issue, d = self.theme, self.issue, self.theme.design
        canvas.saveState()
        canvas.setStrokeColor(HexColor(theme.colors.muted))
        canvas.setLineWidth(0.3)
        canvas.line(self.left, y + 10, self.right, y + 10)
        canvas.setFillColor(HexColor(theme.colors.muted))
        left = f"{theme.series}  ·  {long_date(issue.date, issue.language)}"
        if issue.number:
            left += f"  ·  {'Nr.' if issue.language == 'de' else 'No.'} {issue.number}"
        self._text(canvas, self.left, y, left, "heading", d.footer_size)
        self._text(canvas, self.right, y, str(canvas.getPageNumber()), "heading_bold", d.footer_size,
                   align="right")
        canvas.restoreState()

    def first(self, canvas, doc) -> None:
        self.masthead(canvas, doc)


def svg_drawing(path):
    """svglib's drawing of an SVG logo (None if svglib makes nothing of it).

    A brand's logo is the same file build after build, while importing svglib
    (lxml, tinycss2, cssselect2) and parsing cost ~23 ms of a one-shot build.
    So the drawing is kept in the disk cache (:mod:`briefing_pdf.cache`),
    pickled, keyed by the file's path, size and mtime and by the svglib and
    ReportLab installed; a cached build unpickles it in ~0.1 ms and never
    imports svglib. Every call returns a drawing of its own (the caller sets
    its text and scale)."""
    import importlib.util
    import pickle

    import reportlab

    from .cache import cached, file_key

    def parse():
        from svglib.svglib import svg2rlg

        return svg2rlg(str(path))

    spec = importlib.util.find_spec("svglib")
    library = None
    if spec is not None and spec.origin:  # svglib's own files, read without importing it
        try:
            st = os.stat(os.path.join(os.path.dirname(spec.origin), "svglib.py"))
            library = (spec.origin, st.st_size, st.st_mtime_ns)
        except OSError:
            pass
    if library is None:
        return parse()
    key = file_key("svg", path, library, reportlab.Version, 1)
    return cached(key, parse, lambda d: pickle.dumps(d, protocol=pickle.HIGHEST_PROTOCOL), pickle.loads)


@contextmanager
def _kerned_strings(canvas) -> Iterator[None]:
    """While an SVG logo is drawn, its strings get the font's pair kerning like all other text.

    ReportLab's drawing renderer calls ``canvas.drawString``; for the length of
    the logo that call writes a kerned TJ array instead. Anchors were already
    resolved to start positions with kerned widths (:func:`_embed_svg_text`).
    """
    from .kerning import text_out

    def kerned(x, y, text, mode=None, **_):
        tx = canvas.beginText(x, y)
        tx.setFont(canvas._fontname, canvas._fontsize)
        if mode is not None:
            tx.setTextRenderMode(mode)
        text_out(tx, text)
        canvas.drawText(tx)

    canvas.drawString = kerned
    try:
        yield
    finally:
        del canvas.drawString


def _embed_svg_text(drawing, theme: Theme) -> None:
    """Set an SVG logo's text in the brand's embedded fonts (svglib would fall back to Helvetica,
    which PDF/A forbids because it is not embedded); characters the face lacks use the fallbacks."""
    from reportlab.graphics.shapes import Group, String

    from .kerning import kerned_width

    fonts = theme.fonts
    # The renderer's initial state sets a font too (Helvetica unless the drawing says otherwise).
    drawing.initialFontName = fonts.name("heading")

    def walk(node) -> None:
        for i, item in enumerate(getattr(node, "contents", [])):
            if isinstance(item, String):
                face = "heading_bold" if "bold" in item.fontName.lower() else "heading"
                runs = list(font_runs(item.text, fonts, face))
                anchor = getattr(item, "textAnchor", "start")
                if len(runs) == 1:
                    item.fontName = runs[0][0] or fonts.name(face)
                    width = kerned_width(item.text, item.fontName, item.fontSize)
                    item.x -= {"middle": width / 2, "end": width}.get(anchor, 0)
                    item.textAnchor = "start"  # resolved here, with the kerned width
                    continue
                # Characters the face lacks: one String per font run, placed one after the other.
                pieces = [String(0, item.y, chunk, fontName=font or fonts.name(face), fontSize=item.fontSize,
                                 fillColor=item.fillColor) for font, chunk in runs]
                widths = [kerned_width(p.text, p.fontName, p.fontSize) for p in pieces]
                x = item.x - {"middle": sum(widths) / 2, "end": sum(widths)}.get(anchor, 0)
                group = Group()
                for piece, width in zip(pieces, widths):
                    piece.x = x
                    group.add(piece)
                    x += width
                node.contents[i] = group
            elif isinstance(item, Group):
                walk(item)

    walk(drawing)


def _doc(buffer: io.BytesIO, issue: Issue, theme: Theme, document: Node) -> BaseDocTemplate:
    d = theme.design
    left, right = d.margin_inside_mm * mm, d.margin_outside_mm * mm
    top, bottom = d.margin_top_mm * mm, d.margin_bottom_mm * mm
    width = PAGE_W - left - right
    page = _Page(issue, theme, document)
    title = f"{theme.series} – {long_date(issue.date, issue.language)}"
    subject = issue.top_story.title
    if issue.number:
        subject = f"{'Nr.' if issue.language == 'de' else 'No.'} {issue.number}: {subject}"
    doc = BaseDocTemplate(
        buffer, pagesize=A4, leftMargin=left, rightMargin=right, topMargin=top, bottomMargin=bottom,
        title=title, author=theme.brand.name, subject=subject, creator="briefing-pdf",
        lang=issue.language, invariant=1, pageCompression=1, displayDocTitle=1)
    masthead_h = d.masthead_mm * mm
    first_frame = Frame(left, bottom, width, PAGE_H - masthead_h - 10 * mm - bottom, id="contents1",
                        leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    full = Frame(left, bottom, width, PAGE_H - top - bottom, id="full",
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([
        PageTemplate("first", [first_frame], onPage=page.first),
        PageTemplate("contents", [full], onPage=page.footer),
        PageTemplate("body", [full], onPage=page.footer),
    ])
    return doc


def _all_text(issue: Issue, theme: Theme) -> str:
    """Every character the document can print: content, labels, imprint, series."""
    from .text import walk_strings

    parts = [value for _, value in walk_strings(issue)]
    parts += list(theme.labels.values()) + [theme.series, theme.brand.name]
    if theme.logo is not None and theme.logo.suffix.lower() == ".svg":
        from .brand import svg_text

        parts.append(svg_text(theme.logo))  # set in the brand's fonts: their fallbacks must be there
    if theme.imprint is not None:
        parts += [value for _, value in walk_strings(theme.imprint)]
    return "".join(parts)


def render(issue: Issue, theme: Theme, paragraph_factory: Callable | None = None,
           standard: str = DEFAULT_STANDARD) -> Rendered:
    """Lay out and write the PDF in memory, in one pass.

    Contents page numbers are form XObjects filled in when the pass ends
    (see :meth:`PageRegistry.define_number_forms`), so they are right by
    construction, also when the contents run over several pages.
    """
    with _no_full_collections():  # around the call: see _no_full_collections
        return _render(issue, theme, paragraph_factory, standard)


def _render(issue: Issue, theme: Theme, paragraph_factory: Callable | None, standard: str) -> Rendered:
    if standard not in STANDARDS:
        raise ValueError(f"unknown PDF standard {standard!r}; expected one of {', '.join(STANDARDS)}")
    theme.fonts.register_all(_all_text(issue, theme))
    document = build_document(issue, theme)
    styles = make_styles(theme)
    registry = PageRegistry()
    ctx = LayoutContext(theme, styles, registry=registry)
    if paragraph_factory is not None:  # a comparison layout (bench/typography.py): knows no nodes
        factory = paragraph_factory
        ctx.paragraph = lambda markup, style, node=None, **kw: factory(markup, style, **kw)
    else:
        ctx.paragraph = body_paragraph_factory(theme.lang, exceptions=theme.hyphenation)
        ctx.unhyphenated = body_paragraph_factory(theme.lang, hyphenate=False,
                                                  exceptions=theme.hyphenation)
        ctx.display = body_paragraph_factory(theme.lang, hyphenate=False, display=True,
                                             exceptions=theme.hyphenation)
    from reportlab import rl_config

    rl_config.useA85 = 0  # binary streams: smaller files, less work than ASCII85
    buffer = io.BytesIO()
    epoch = _epoch(issue)
    tagger = Tagger(document) if standard.startswith("ua-1") else None
    with _source_date(epoch):
        doc = _doc(buffer, issue, theme, document)
        maker = _canvas_maker(registry, tagger, standard, issue.language, epoch, theme.fonts.name("regular"))
        doc.build(build_story(document, ctx, doc.width), canvasmaker=maker)
    return Rendered(buffer.getvalue(), doc.page, dict(registry.pages))


@contextmanager
def _no_full_collections() -> Iterator[None]:
    """Pause Python's cyclic garbage collector during one build.

    A build keeps thousands of objects alive until the PDF is written (the
    layout, the document's objects, the structure tree), and the caches of
    measured words hold ~10^5 more. The collector's full passes then cost
    25–40 ms each, find nothing to free and strike in every other build
    (bench/: measured in-process). What a build leaves as cyclic garbage is
    collected as usual after it.

    The pause spans the whole render call, up to the return of its result:
    by then the layout's objects that nothing cycles back to are freed by
    their reference counts, so the first collection after the build looks at
    what is really left instead of at everything the build made (warm
    builds: collector time 6.0 → 2.7 ms per issue, 3 → 2 collections).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@lru_cache(maxsize=None)
def _no_hyphenation_settings(display: bool = False):
    """One settings object per kind of unhyphenated text (KPParagraph caches per settings)."""
    from .kpparagraph import KPSettings

    return KPSettings(hyphenate=False, display=display)


def body_paragraph_factory(lang: str | None, hyphenate: bool = True, display: bool = False,
                           exceptions: tuple[str, ...] = ()) -> Callable:
    """Whole-paragraph line breaking in ``lang``.

    ``hyphenate=False`` (labels, lists): no ordinary hyphenation; only a word
    too long for the line breaks, at a dictionary point. ``display=True``
    (headings, item titles, contents entries) also breaks only at spaces and
    balances the lines. ``exceptions``: the house hyphenation list
    (``Theme.hyphenation``).
    """
    from .hyphenate import get_hyphenator
    from .tagging import TaggedParagraph

    hyphenator = get_hyphenator(lang, exceptions) if lang else None
    settings = None if hyphenate and not display else _no_hyphenation_settings(display)

    def make(markup: str, style, node=None, **kwargs) -> Flowable:
        return TaggedParagraph(markup, style, node=node, hyphenator=hyphenator, settings=settings, **kwargs)

    return make


def _canvas_maker(registry: PageRegistry, tagger: Tagger | None, standard: str, lang: str, epoch: int,
                  initial_font: str):
    from reportlab.pdfgen.canvas import Canvas

    class BriefingCanvas(Canvas):
        """Fills in the contents' page numbers, opens with the bookmarks shown and, for the
        PDF standards, writes the structure tree and PDF/A metadata.

        The initial font is the brand's (embedded) body font: ReportLab's default Helvetica
        would otherwise sit in every page's resources, a font PDF/A cannot have unembedded.
        """

        def __init__(self, *args, **kwargs):
            if standard != "none" and not kwargs.get("initialFontName"):
                kwargs["initialFontName"] = initial_font
            super().__init__(*args, **kwargs)
            self.tagger = tagger

        def save(self):
            registry.define_number_forms(self)
            self.showOutline()
            if self.tagger is not None:
                if self._code:  # the last page, so that the tree sees every page
                    self.showPage()
                self.tagger.finish(self)
            if standard != "none":
                add_pdfa(self, lang, epoch, standard)
            prepare_save(self)
            super().save()
            if self.tagger is not None:
                self.tagger.release()
                self.tagger = None

    return BriefingCanvas
