"""Layout: an issue model and a theme become a story of flowables.

This module decides *what goes where* (sections, order, which style, what
stays together); the flowables in :mod:`briefing_pdf.flowables` decide how a
piece is drawn, and :mod:`briefing_pdf.render` builds pages from the story.
Everything layout needs arrives in a :class:`LayoutContext`; there are no
module globals, so two issues with different brands can be built in one
process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from . import rlstart  # noqa: F401  (before any reportlab.platypus import: a lazy URI regex)
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, NextPageTemplate, PageBreak, Paragraph, Table, TableStyle
from reportlab.platypus.flowables import Spacer

from .brand import Theme
from .document import Node, Text
from .flowables import (Bulleted, Callout, Columns, ContentsEntry, DisplayLine, KeepWithLines, Marker, PageRegistry, Rule,
                        SectionBand, Stack)
from .text import Run, attr, escape, font_runs, link_allowed, plain_markup, runs_markup

ParagraphFactory = Callable[..., Flowable]


@dataclass
class Styles:
    body: ParagraphStyle
    callout: ParagraphStyle
    title: ParagraphStyle
    source_label: ParagraphStyle
    source_item: ParagraphStyle
    item_title: ParagraphStyle
    contents_title: ParagraphStyle
    contents_section: ParagraphStyle
    contents_article: ParagraphStyle
    metrix_text: ParagraphStyle
    metrix_source: ParagraphStyle
    imprint_heading: ParagraphStyle
    imprint_name: ParagraphStyle
    imprint_role: ParagraphStyle


def make_styles(theme: Theme) -> Styles:
    """Paragraph styles from the theme: the one place type sizes live."""
    d, c, f = theme.design, theme.colors, theme.fonts
    serif, sans, sans_bold = f.name("regular"), f.name("heading"), f.name("heading_bold")
    hyph = {"de": "de_DE", "en": "en_US"}[theme.lang]
    body = ParagraphStyle(
        "body", fontName=serif, fontSize=d.body_size, leading=d.body_leading, alignment=TA_JUSTIFY,
        textColor=c.text, spaceBefore=d.para_space, allowWidows=0, allowOrphans=0,
        hyphenationLang=hyph, embeddedHyphenation=1, uriWasteReduce=0.3)
    small = dict(fontName=sans, fontSize=d.list_size, leading=d.list_leading, textColor=c.text,
                 alignment=TA_LEFT, allowWidows=0, allowOrphans=0)
    return Styles(
        body=body,
        callout=ParagraphStyle("callout", parent=body, fontSize=d.callout_size, leading=d.callout_leading),
        title=ParagraphStyle("title", fontName=sans_bold, fontSize=d.title_size, leading=d.title_leading,
                             textColor=c.primary, spaceBefore=d.title_before, spaceAfter=d.title_after,
                             alignment=TA_LEFT),
        source_label=ParagraphStyle("source_label", fontName=sans_bold, fontSize=d.list_size,
                                    leading=d.list_leading, textColor=c.text, spaceBefore=6, spaceAfter=1),
        source_item=ParagraphStyle("source_item", leftIndent=8, bulletIndent=0.5, spaceBefore=1.5, **small),
        item_title=ParagraphStyle("item_title", fontName=sans_bold, fontSize=d.body_size,
                                  leading=d.body_leading, textColor=c.primary, spaceBefore=8, alignment=TA_LEFT),
        contents_title=ParagraphStyle("contents_title", fontName=sans_bold, fontSize=11, leading=14,
                                      textColor=c.primary, spaceAfter=6),
        contents_section=ParagraphStyle("contents_section", fontName=sans_bold, fontSize=8.5, leading=11,
                                        textColor=c.primary),
        contents_article=ParagraphStyle("contents_article", fontName=sans, fontSize=9, leading=11.5,
                                        textColor=c.text, leftIndent=4 * mm, firstLineIndent=0),
        metrix_text=ParagraphStyle("metrix_text", parent=body, alignment=TA_LEFT, spaceBefore=0,
                                   hyphenationLang=hyph),
        metrix_source=ParagraphStyle("metrix_source", spaceBefore=3, **{**small, "textColor": c.muted}),
        imprint_heading=ParagraphStyle("imprint_heading", fontName=sans_bold, fontSize=7.5, leading=10,
                                       textColor=c.primary, spaceBefore=8, spaceAfter=2),
        imprint_name=ParagraphStyle("imprint_name", fontName=sans_bold, fontSize=8.5, leading=10.5,
                                    textColor=c.text, spaceBefore=3),
        imprint_role=ParagraphStyle("imprint_role", fontName=sans, fontSize=8, leading=10, textColor=c.muted),
    )


@dataclass
class LayoutContext:
    """What layout code needs: the theme, styles, a paragraph factory and page numbers."""

    theme: Theme
    styles: Styles
    #: Justified body text (hyphenated in the issue's language); called as (markup, style, node=…).
    paragraph: ParagraphFactory = lambda markup, style, node=None: Paragraph(markup, style)  # noqa: E731
    #: Labels, lists, imprint: never hyphenated.
    unhyphenated: ParagraphFactory = lambda markup, style, node=None: Paragraph(markup, style)  # noqa: E731
    #: Headings, item titles, contents entries: balanced lines broken at spaces.
    display: ParagraphFactory = lambda markup, style, node=None: Paragraph(markup, style)  # noqa: E731
    registry: PageRegistry = field(default_factory=PageRegistry)

    # -- small helpers -------------------------------------------------------------

    def link(self, url: str, inner_markup: str) -> str:
        """``inner_markup`` as a link to ``url`` in the link colour."""
        return f'<a href="{attr(url)}" color="{self.theme.colors.primary}">{inner_markup}</a>'

    def run_in(self, label: str) -> str:
        """A bold sans run-in label in the primary colour (the space after it is the caller's)."""
        return (f'<font name="{self.theme.fonts.name("heading_bold")}" color="{self.theme.colors.primary}">'
                f"{plain_markup(label, self.theme.fonts)}</font>")

    def inline(self, node: Node, face: str = "regular") -> str:
        """ReportLab markup for a block node's inline content (texts, links, spans)."""
        theme, out = self.theme, []
        for kid in node.kids:
            if isinstance(kid, Text):
                out.append("<br/>" if kid.text == "\n" else
                           runs_markup([Run(kid.text, kid.bold, kid.italic)], theme.fonts, face))
            elif kid.role == "run_in":
                out.append(self.run_in(kid.plain_text()))
            elif kid.role == "date":
                out.append(f'<font name="{theme.fonts.name("heading")}" size="{theme.design.list_size}" '
                           f'color="{theme.colors.muted}">{escape(kid.plain_text())}</font>')
            elif kid.type == "Link" and kid.href and link_allowed(kid.href):
                out.append(self.link(kid.href, self.inline(kid, face)))
            else:
                out.append(self.inline(kid, face))
        return "".join(out)

    def para(self, node: Node, style: ParagraphStyle, face: str = "regular", kind: str = "body") -> Flowable:
        """The flowable of a block node (it knows its node, for tagging); ``kind`` is
        "body" (hyphenated), "plain" (unhyphenated) or "display" (balanced, spaces only)."""
        make = {"body": self.paragraph, "plain": self.unhyphenated, "display": self.display}[kind]
        return make(self.inline(node, face), style, node=node)

    def band(self, node: Node, marker: Marker | None = None, space_before: float = 0) -> SectionBand:
        d, f = self.theme.design, self.theme.fonts
        return SectionBand(node.plain_text(), f.name("heading_bold"), d.band_size, self.theme.colors.primary,
                           d.band_padding, d.band_tracking, space_before=space_before, marker=marker,
                           fallback=lambda s: list(font_runs(s, f, "heading_bold")), node=node)

    def display_line(self, node: Node, face: str, size: float, color: str) -> DisplayLine:
        """A line of display type that never wraps (the METRIX value)."""
        fonts = self.theme.fonts
        runs = [(font or fonts.name(face), chunk) for font, chunk in font_runs(node.plain_text(), fonts, face)]
        return DisplayLine(runs, size, color, node=node)

    def marker(self, key: str, title: str, level: int) -> Marker:
        return Marker(key, title, level, self.registry)


# --------------------------------------------------------------------------- contents


def contents_story(document: Node, ctx: LayoutContext) -> list[Flowable]:
    theme, st = ctx.theme, ctx.styles
    number_font = theme.fonts.name("heading")
    sect = document.find(role="contents")
    assert sect is not None
    title, toc = sect.blocks()
    story: list[Flowable] = [ctx.para(title, st.contents_title, "heading_bold", kind="display"),
                             Rule(width="100%", thickness=0.6, color=theme.colors.primary,
                                  spaceBefore=0, spaceAfter=4)]
    for entry in toc.blocks():
        level = entry.level or 0
        style = st.contents_section if level == 0 else st.contents_article
        face = "heading_bold" if level == 0 else "heading"
        link = entry.find(type="Link")
        story.append(ContentsEntry(
            ctx.para(link, style, face, kind="display"), ctx.registry, entry.key or "",
            number_font, style.fontSize, theme.colors.muted if level else theme.colors.primary,
            number_width=stringWidth("000", number_font, style.fontSize),
            space_before=8 if level == 0 else 3, node=entry))
    return story


# --------------------------------------------------------------------------- body


def _columns(flowables: list[Flowable], ctx: LayoutContext, space_after: float = 10) -> Flowable:
    return Columns(flowables, nCols=2, innerPadding=ctx.theme.design.gutter_mm * mm,
                   spaceAfter=space_after, endSlack=0.1, leftPadding=0, rightPadding=0,
                   topPadding=0, bottomPadding=0)


def _title(ctx: LayoutContext, art: Node, head: Node, follower: Flowable) -> Flowable:
    st = ctx.styles
    title = [ctx.marker(art.key or "", art.title or head.plain_text(), 1),
             ctx.para(head, st.title, "heading_bold", kind="display")]
    return KeepWithLines(title, follower, lines=2, min_height=2 * st.body.leading)


def _body_paragraphs(ctx: LayoutContext, nodes: list[Node], style: ParagraphStyle) -> list[Flowable]:
    """Paragraph nodes (a run-in label is part of the first one's content)."""
    return [ctx.para(p, style) for p in nodes]


def _analysis(ctx: LayoutContext, aside: Node) -> Flowable:
    theme = ctx.theme
    content = _body_paragraphs(ctx, aside.blocks(), ctx.styles.callout)
    d = theme.design
    return Callout(content, theme.colors.tint, theme.colors.accent, d.callout_padding, d.callout_rule,
                   min_lines_height=2 * d.body_leading + 1)


def _sources(ctx: LayoutContext, lst: Node) -> list[Flowable]:
    st, theme = ctx.styles, ctx.theme
    caption, *entries = lst.blocks()
    items = []
    for li in entries:
        body = li.blocks()[0]
        items.append(Bulleted(ctx.para(body, st.source_item, "heading", kind="plain"), theme.colors.primary,
                              size=st.source_item.fontSize * 0.42))
    label = ctx.para(caption, st.source_label, "heading_bold", kind="plain")
    return _keep_list(label, items)


def _keep_list(label: Flowable, items: list[Flowable]) -> list[Flowable]:
    """A labelled list that may break between items, but never leaves the
    label alone or a single item alone on either side of the break: the label
    goes with the first two items, the last two items go together."""
    if len(items) <= 3:
        return [Stack([label, *items])]
    return [Stack([label, *items[:2]]), *items[2:-2], Stack(items[-2:])]


def _article(ctx: LayoutContext, art: Node) -> list[Flowable]:
    """An article or topic: title kept with the first lines, paragraphs, analysis, sources."""
    head, *rest = art.blocks()
    paras = [n for n in rest if n.type == "P"]
    first = ctx.para(paras[0], ctx.styles.body)
    story: list[Flowable] = [_title(ctx, art, head, first)]
    for node in rest:
        if node is paras[0]:
            continue
        if node.type == "P":
            story.append(ctx.para(node, ctx.styles.body))
        elif node.type == "Aside":
            story.append(_analysis(ctx, node))
        elif node.type == "L":
            story += _sources(ctx, node)
    return story


def _section(ctx: LayoutContext, sect: Node, content: list[Flowable]) -> Flowable:
    """A section in balanced columns, opened by its band.

    The band goes with the first heading and its first lines (the first
    flowable keeps those together itself), so it never stands alone at the
    foot of a column.
    """
    band = ctx.band(sect.blocks()[0], ctx.marker(sect.key or "", sect.title or "", 0))
    return _columns([KeepWithLines([band], content[0], lines=2), *content[1:]], ctx)


def _metrix(ctx: LayoutContext, sect: Node, width: float) -> list[Flowable]:
    theme, st = ctx.theme, ctx.styles
    band_node, value_node, *rest = sect.blocks()
    text: list[Flowable] = [ctx.para(p, st.metrix_text) for p in rest if p.role == "metrix_text"]
    text += [ctx.para(p, st.metrix_source, "heading", kind="plain") for p in rest if p.role == "source"]
    band = ctx.band(band_node, ctx.marker(sect.key or "", sect.title or "", 0))
    value = ctx.display_line(value_node, "heading_bold", theme.design.metrix_size, theme.colors.accent)
    beside = value.natural * theme.design.metrix_size + value.TOLERANCE
    if beside <= width * 0.38:
        gap = 12
        table = Table([[value, text]], colWidths=[beside + gap, width - beside - gap])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   # Table sets its cell font even for flowable cells: not Helvetica
                                   # (a standard font is never embedded, which PDF/A forbids).
                                   ("FONTNAME", (0, 0), (-1, -1), theme.fonts.name("heading")),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (0, 0), gap),
                                   ("RIGHTPADDING", (1, 0), (1, 0), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 2),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        body: list[Flowable] = [table]
    else:  # a long value goes above the text, on one line, scaled down if wider than the measure
        value.spaceAfter = 4
        body = [value, *text]
    rule = Rule(width="100%", thickness=0.6, color=theme.colors.primary, spaceBefore=4, spaceAfter=10)
    return [KeepTogether([band, Spacer(1, 6), *body, rule])]


def _titled_items(ctx: LayoutContext, arts: list[Node]) -> list[Flowable]:
    """Digest or podcast items: a linked title kept with the first lines of its text."""
    st = ctx.styles
    story: list[Flowable] = []
    for art in arts:
        head, *paras = art.blocks()
        flow = _body_paragraphs(ctx, paras, st.body)
        title = KeepWithLines([ctx.para(head, st.item_title, "heading_bold", kind="display")], flow[0], lines=2,
                              min_height=2 * st.body.leading)
        story += [title, *flow[1:]]
    return story


def _imprint(ctx: LayoutContext, sect: Node) -> list[Flowable]:
    theme, st = ctx.theme, ctx.styles
    title_node, *divs = sect.blocks()
    content: list[Flowable] = []
    for div in divs:
        head, *rest = div.blocks()
        heading = ctx.para(head, st.imprint_heading, "heading_bold", kind="plain")
        lines = [ctx.para(p, st.imprint_name if p.role == "name" else st.imprint_role,
                          "heading_bold" if p.role == "name" else "heading", kind="plain") for p in rest]
        if div.role == "publisher":  # the publisher block is one unit
            content.append(Stack([heading, *lines]))
            continue
        people: list[Flowable] = []  # a name and its role are one unit
        for p, flow in zip(rest, lines):
            if p.role == "name" or not people:
                people.append(Stack([flow]))
            else:
                people[-1].items.append(flow)
        content += [Stack([heading, people[0]]), *people[1:]]
    marker = ctx.marker(sect.key or "", sect.title or "", 0)
    title = ctx.para(title_node, st.imprint_heading, "heading_bold", kind="plain")
    rule = Rule(width="100%", thickness=0.6, color=theme.colors.muted, spaceBefore=6, spaceAfter=0)
    # The imprint moves to the next page whole rather than leave a few of its
    # lines alone there; only an imprint longer than a page is split.
    return [CondPageBreak(80), KeepTogether([rule, marker, title, _columns(content, ctx, space_after=0)])]


def body_story(document: Node, ctx: LayoutContext, frame_width: float) -> list[Flowable]:
    """The body pages, in reading order: one flowable group per section of the document."""
    story: list[Flowable] = []
    for sect in document.blocks():
        role = sect.role
        if role in ("masthead", "contents"):
            continue
        if role == "metrix":
            story += _metrix(ctx, sect, frame_width)
        elif role == "imprint":
            story += _imprint(ctx, sect)
        elif role in ("digest", "podcasts"):
            story.append(_section(ctx, sect, _titled_items(ctx, sect.blocks()[1:])))
        else:
            content: list[Flowable] = []
            for art in sect.blocks()[1:]:
                content += _article(ctx, art)
            story.append(_section(ctx, sect, content))
    return story


def build_story(document: Node, ctx: LayoutContext, frame_width: float) -> list[Flowable]:
    """The whole document: contents on page 1, then the body pages."""
    return [NextPageTemplate("contents"), *contents_story(document, ctx),
            NextPageTemplate("body"), PageBreak(), *body_story(document, ctx, frame_width)]
