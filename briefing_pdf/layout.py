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

from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, NextPageTemplate, PageBreak, Paragraph, Table, TableStyle
from reportlab.platypus.flowables import BalancedColumns, HRFlowable, Spacer

from .brand import Theme, short_date
from .flowables import (Bulleted, Callout, ContentsEntry, DisplayLine, KeepWithLines, Marker, PageRegistry,
                        SectionBand, Stack)
from .model import Article, Issue, Source, Topic
from .text import attr, clean, font_runs, paragraphs, plain_markup, to_markup

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
    #: Justified body text (hyphenated in the issue's language).
    paragraph: ParagraphFactory = Paragraph
    #: Labels, lists, imprint: never hyphenated.
    unhyphenated: ParagraphFactory = Paragraph
    #: Headings, item titles, contents entries: balanced lines broken at spaces.
    display: ParagraphFactory = Paragraph
    registry: PageRegistry = field(default_factory=PageRegistry)

    # -- small helpers -------------------------------------------------------------

    def markup(self, paragraph: str, face: str = "regular") -> str:
        return to_markup(paragraph, self.theme.fonts, face, link_color=self.theme.colors.primary,
                         lang=self.theme.lang)

    def plain(self, text: str, face: str = "heading_bold") -> str:
        return plain_markup(text, self.theme.fonts, face, lang=self.theme.lang)

    def link(self, url: str, inner_markup: str) -> str:
        """``inner_markup`` as a link to ``url`` in the link colour."""
        return f'<a href="{attr(url)}" color="{self.theme.colors.primary}">{inner_markup}</a>'

    def run_in(self, label: str) -> str:
        """A bold sans run-in label in the primary colour, followed by a space."""
        return (f'<font name="{self.theme.fonts.name("heading_bold")}" color="{self.theme.colors.primary}">'
                f"{self.plain(label)}</font> ")

    def band(self, label: str, marker: Marker | None = None, space_before: float = 0) -> SectionBand:
        d, f = self.theme.design, self.theme.fonts
        return SectionBand(label, f.name("heading_bold"), d.band_size, self.theme.colors.primary,
                           d.band_padding, d.band_tracking, space_before=space_before, marker=marker,
                           fallback=lambda s: list(font_runs(s, f, "heading_bold")))

    def display_line(self, text: str, face: str, size: float, color: str) -> DisplayLine:
        """A line of display type that never wraps (the METRIX value)."""
        fonts = self.theme.fonts
        runs = [(font or fonts.name(face), chunk) for font, chunk in font_runs(clean(text), fonts, face)]
        return DisplayLine(runs, size, color)

    def marker(self, key: str, title: str, level: int) -> Marker:
        return Marker(key, title, level, self.registry)


# --------------------------------------------------------------------------- contents


@dataclass(frozen=True)
class ContentsItem:
    key: str
    title: str
    level: int  # 0 = section, 1 = article


def contents_items(issue: Issue, theme: Theme) -> list[ContentsItem]:
    """The contents (and outline) of an issue, in reading order."""
    items = [ContentsItem("sec-top", theme.label("top_story"), 0),
             ContentsItem("art-top", issue.top_story.toc_title or issue.top_story.title, 1)]
    if issue.metrix:
        items.append(ContentsItem("sec-metrix", theme.label("metrix"), 0))
    if issue.topics:
        items.append(ContentsItem("sec-topics", theme.label("topics"), 0))
        items += [ContentsItem(f"topic-{i + 1}", t.toc_title or t.title, 1) for i, t in enumerate(issue.topics)]
    if issue.digest:
        items.append(ContentsItem("sec-digest", theme.label("digest"), 0))
    if issue.podcasts:
        items.append(ContentsItem("sec-podcasts", theme.label("podcasts"), 0))
    if theme.imprint:
        items.append(ContentsItem("sec-imprint", theme.label("imprint"), 0))
    return items


def contents_story(issue: Issue, ctx: LayoutContext) -> list[Flowable]:
    theme, st = ctx.theme, ctx.styles
    number_font = theme.fonts.name("heading")
    story: list[Flowable] = [ctx.display(ctx.plain(theme.label("contents")), st.contents_title),
                             HRFlowable(width="100%", thickness=0.6, color=theme.colors.primary,
                                        spaceBefore=0, spaceAfter=4)]
    for item in contents_items(issue, theme):
        style = st.contents_section if item.level == 0 else st.contents_article
        face = "heading_bold" if item.level == 0 else "heading"
        story.append(ContentsEntry(
            ctx.display(ctx.plain(item.title, face), style), ctx.registry, item.key,
            number_font, style.fontSize, theme.colors.muted if item.level else theme.colors.primary,
            number_width=stringWidth("000", number_font, style.fontSize),
            space_before=8 if item.level == 0 else 3))
    return story


# --------------------------------------------------------------------------- body


def _columns(flowables: list[Flowable], ctx: LayoutContext, space_after: float = 10) -> Flowable:
    return BalancedColumns(flowables, nCols=2, innerPadding=ctx.theme.design.gutter_mm * mm,
                           spaceAfter=space_after, endSlack=0.1, leftPadding=0, rightPadding=0,
                           topPadding=0, bottomPadding=0)


def _title(ctx: LayoutContext, key: str, title: str, follower: Flowable, outline_title: str) -> Flowable:
    st = ctx.styles
    head = [ctx.marker(key, outline_title, 1), ctx.display(ctx.plain(title), st.title)]
    return KeepWithLines(head, follower, lines=2, min_height=2 * st.body.leading)


def _body_paragraphs(ctx: LayoutContext, text: str, style: ParagraphStyle, run_in: str | None = None,
                     suffix: str = "") -> list[Flowable]:
    """Paragraphs of a text field; ``run_in`` starts the first, ``suffix`` (markup) ends the last."""
    paras = paragraphs(text)
    out = []
    for i, para in enumerate(paras):
        markup = ctx.markup(para)
        if i == 0 and run_in:
            markup = ctx.run_in(run_in) + markup
        if i == len(paras) - 1:
            markup += suffix
        out.append(ctx.paragraph(markup, style))
    return out


def _analysis(ctx: LayoutContext, text: str) -> Flowable:
    theme = ctx.theme
    content = _body_paragraphs(ctx, text, ctx.styles.callout, run_in=theme.label("analysis"))
    d = theme.design
    return Callout(content, theme.colors.tint, theme.colors.accent, d.callout_padding, d.callout_rule,
                   min_lines_height=2 * d.body_leading + 1)


def _sources(ctx: LayoutContext, sources: list[Source]) -> list[Flowable]:
    if not sources:
        return []
    st, theme = ctx.styles, ctx.theme
    items = []
    for s in sources:
        note = f" ({ctx.plain(s.note, 'heading')})" if s.note else ""
        markup = (f"<b>{ctx.plain(s.publisher)}:</b> "
                  f"{ctx.link(s.url, ctx.plain(s.title, 'heading'))}{note}")
        items.append(Bulleted(ctx.unhyphenated(markup, st.source_item), theme.colors.primary,
                              size=st.source_item.fontSize * 0.42))
    label = ctx.unhyphenated(ctx.plain(theme.label("sources")), st.source_label)
    return _keep_list(label, items)


def _keep_list(label: Flowable, items: list[Flowable]) -> list[Flowable]:
    """A labelled list that may break between items, but never leaves the
    label alone or a single item alone on either side of the break: the label
    goes with the first two items, the last two items go together."""
    if len(items) <= 3:
        return [Stack([label, *items])]
    return [Stack([label, *items[:2]]), *items[2:-2], Stack(items[-2:])]


def _article(ctx: LayoutContext, article: Article) -> list[Flowable]:
    paras = _body_paragraphs(ctx, article.body, ctx.styles.body)
    story: list[Flowable] = [_title(ctx, "art-top", article.title, paras[0], article.toc_title or article.title)]
    story += paras[1:]
    if article.analysis:
        story.append(_analysis(ctx, article.analysis))
    story += _sources(ctx, article.sources)
    return story


def _topic(ctx: LayoutContext, index: int, topic: Topic) -> list[Flowable]:
    theme, st = ctx.theme, ctx.styles
    facts = _body_paragraphs(ctx, topic.facts, st.body, run_in=theme.label("facts"))
    story: list[Flowable] = [_title(ctx, f"topic-{index + 1}", topic.title, facts[0], topic.toc_title or topic.title)]
    story += facts[1:]
    story += _body_paragraphs(ctx, topic.outlook, st.body, run_in=theme.label("outlook"))
    if topic.analysis:
        story.append(_analysis(ctx, topic.analysis))
    story += _sources(ctx, topic.sources)
    return story


def _section(ctx: LayoutContext, key: str, label_key: str, content: list[Flowable]) -> Flowable:
    """A section in balanced columns, opened by its band.

    The band goes with the first heading and its first lines (the first
    flowable keeps those together itself), so it never stands alone at the
    foot of a column.
    """
    label = ctx.theme.label(label_key)
    band = ctx.band(label, ctx.marker(key, label, 0))
    return _columns([KeepWithLines([band], content[0], lines=2), *content[1:]], ctx)


def _metrix(ctx: LayoutContext, issue: Issue, width: float) -> list[Flowable]:
    metrix = issue.metrix
    assert metrix is not None
    theme, st = ctx.theme, ctx.styles
    label = theme.label("metrix")
    text = [ctx.paragraph(ctx.markup(p), st.metrix_text) for p in paragraphs(metrix.text)]
    if metrix.source:
        source = (f"({ctx.plain(theme.label('source'), 'heading')}: "
                  f"{ctx.link(metrix.source.url, ctx.plain(metrix.source.title, 'heading'))})")
        text.append(ctx.unhyphenated(source, st.metrix_source))
    band = ctx.band(label, ctx.marker("sec-metrix", label, 0))
    value = ctx.display_line(metrix.value, "heading_bold", theme.design.metrix_size, theme.colors.accent)
    beside = value.natural * theme.design.metrix_size + value.TOLERANCE
    if beside <= width * 0.38:
        gap = 12
        table = Table([[value, text]], colWidths=[beside + gap, width - beside - gap])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("RIGHTPADDING", (0, 0), (0, 0), gap),
                                   ("RIGHTPADDING", (1, 0), (1, 0), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 2),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        body: list[Flowable] = [table]
    else:  # a long value goes above the text, on one line, scaled down if wider than the measure
        value.spaceAfter = 4
        body = [value, *text]
    rule = HRFlowable(width="100%", thickness=0.6, color=theme.colors.primary, spaceBefore=4, spaceAfter=10)
    return [KeepTogether([band, Spacer(1, 6), *body, rule])]


def _titled_item(ctx: LayoutContext, title: str, text: str, suffix: str = "") -> list[Flowable]:
    """A digest or podcast item: a linked title kept with the first lines of its text."""
    st = ctx.styles
    paras = _body_paragraphs(ctx, text, st.body, suffix=suffix)
    head = KeepWithLines([ctx.display(title, st.item_title)], paras[0], lines=2,
                         min_height=2 * st.body.leading)
    return [head, *paras[1:]]


def _digest(ctx: LayoutContext, issue: Issue) -> list[Flowable]:
    theme = ctx.theme
    story: list[Flowable] = []
    for item in issue.digest:
        title = ctx.link(item.url, f"{ctx.plain(item.title)} ({ctx.plain(item.publisher)})")
        date = (f' <font name="{theme.fonts.name("heading")}" size="{theme.design.list_size}" '
                f'color="{theme.colors.muted}">{ctx.plain(short_date(item.date, theme.lang), "heading")}</font>')
        story += _titled_item(ctx, title, item.text, suffix=date)
    return story


def _podcasts(ctx: LayoutContext, issue: Issue) -> list[Flowable]:
    story: list[Flowable] = []
    for pod in issue.podcasts:
        story += _titled_item(ctx, ctx.link(pod.url, ctx.plain(pod.title)), pod.text)
    return story


def _imprint(ctx: LayoutContext) -> list[Flowable]:
    theme, st = ctx.theme, ctx.styles
    imprint = theme.imprint
    if imprint is None:
        return []
    label = theme.label("imprint")
    content: list[Flowable] = []
    for group in imprint.groups:
        people: list[Flowable] = []
        for person in group.people:  # a name and its role are one unit
            entry = [ctx.unhyphenated(ctx.plain(person.name), st.imprint_name)]
            if person.role:
                entry.append(ctx.unhyphenated(ctx.plain(person.role, "heading"), st.imprint_role))
            people.append(Stack(entry))
        head = ctx.unhyphenated(ctx.plain(group.heading.upper()), st.imprint_heading)
        content += [Stack([head, people[0]]), *people[1:]]
    pub = imprint.publisher
    lines = [ctx.plain(line, "heading") for line in pub.address]
    if pub.phone:
        lines.append(f"{ctx.plain(theme.label('phone'), 'heading')} {ctx.plain(pub.phone, 'heading')}")
    if pub.email:
        lines.append(f"{ctx.plain(theme.label('email'), 'heading')} "
                     f"{ctx.link('mailto:' + pub.email, ctx.plain(pub.email, 'heading'))}")
    if pub.web:
        lines.append(ctx.link(pub.web, ctx.plain(pub.web, "heading")))
    content.append(Stack([  # the publisher block is one unit
        ctx.unhyphenated(ctx.plain(theme.label("publisher").upper()), st.imprint_heading),
        ctx.unhyphenated(ctx.plain(pub.name), st.imprint_name),
        ctx.unhyphenated("<br/>".join(lines), st.imprint_role)]))
    marker = ctx.marker("sec-imprint", label, 0)
    title = ctx.unhyphenated(ctx.plain(label), st.imprint_heading)
    rule = HRFlowable(width="100%", thickness=0.6, color=theme.colors.muted, spaceBefore=6, spaceAfter=0)
    # The imprint moves to the next page whole rather than leave a few of its
    # lines alone there; only an imprint longer than a page is split.
    return [CondPageBreak(80), KeepTogether([rule, marker, title, _columns(content, ctx, space_after=0)])]


def body_story(issue: Issue, ctx: LayoutContext, frame_width: float) -> list[Flowable]:
    """The body pages, in reading order."""
    story: list[Flowable] = [_section(ctx, "sec-top", "top_story", _article(ctx, issue.top_story))]
    if issue.metrix:
        story += _metrix(ctx, issue, frame_width)
    if issue.topics:
        content: list[Flowable] = []
        for i, topic in enumerate(issue.topics):
            content += _topic(ctx, i, topic)
        story.append(_section(ctx, "sec-topics", "topics", content))
    if issue.digest:
        story.append(_section(ctx, "sec-digest", "digest", _digest(ctx, issue)))
    if issue.podcasts:
        story.append(_section(ctx, "sec-podcasts", "podcasts", _podcasts(ctx, issue)))
    story += _imprint(ctx)
    return story


def build_story(issue: Issue, ctx: LayoutContext, frame_width: float) -> list[Flowable]:
    """The whole document: contents on page 1, then the body pages."""
    return [NextPageTemplate("contents"), *contents_story(issue, ctx),
            NextPageTemplate("body"), PageBreak(), *body_story(issue, ctx, frame_width)]
