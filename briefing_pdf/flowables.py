"""ReportLab flowables the briefing layout needs and platypus lacks.

Each one is small and does one thing:

* :class:`SectionBand` — the white-on-primary label band (TOP THEMA, …);
* :class:`Marker` — records the page of a heading, sets its bookmark and
  outline entry (works inside any container, because it acts when drawn);
* :class:`KeepWithLines` — a heading that moves with the first lines of
  what follows, instead of ReportLab's keepWithNext that drags the whole
  paragraph along or strands the heading;
* :class:`Callout` — a tinted box with a rule on the left that splits
  across columns and pages (a one-cell Table cannot);
* :class:`ContentsEntry` — one contents line with dot leaders, a page number
  and a link;
* :class:`Columns` — ReportLab's balanced columns with trial splits that
  measure each flowable once instead of on every trial.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import rlstart  # noqa: F401  (before any reportlab.platypus import: a lazy URI regex)
from reportlab.lib.colors import HexColor
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.flowables import BalancedColumns, HRFlowable, cdeepcopy
from reportlab.rl_config import _FUZZ

from .tagging import ARTIFACT_LAYOUT, artifact, marked, tagger_of

from .kerning import draw_string, kerned_width, text_out


@dataclass
class PageRegistry:
    """Pages where headings were drawn, filled while a layout pass draws."""

    pages: dict[str, int] = field(default_factory=dict)
    outline: list[tuple[str, str, int]] = field(default_factory=list)
    #: Page-number forms the contents use: key -> (font, size, colour).
    number_forms: dict[str, tuple[str, float, str]] = field(default_factory=dict)

    def define_number_forms(self, canvas) -> None:
        """Fill in the contents' page numbers once layout is complete.

        Contents entries draw a reference to a form XObject; the form itself
        is written here, at the end of the one layout pass, when every
        heading's page is known. The numbers are right by construction and
        need no second pass.
        """
        for key, (font, size, color) in self.number_forms.items():
            canvas.beginForm(_form_name(key), lowerx=-80, lowery=-size, upperx=2, uppery=2 * size)
            canvas.setFillColor(HexColor(color))
            draw_string(canvas, 0, 0, str(self.pages.get(key, "?")), font, size, align="right")
            canvas.endForm()

    def __deepcopy__(self, memo):
        # BalancedColumns deep-copies flowables before trial splits; every copy
        # must still report to the one registry of this layout pass.
        return self


def draw_runs(canvas, x: float, y: float, runs: list[tuple[str, str]], size: float,
              tracking: float = 0) -> None:
    """One line of text in font runs ((font, text) pairs) starting at (x, y),
    kerned (its width is :func:`runs_width`)."""
    text = canvas.beginText(x, y)
    text.setCharSpace(tracking)
    for font, chunk in runs:
        text.setFont(font, size)
        text_out(text, chunk)
    canvas.drawText(text)


def runs_width(runs: list[tuple[str, str]], size: float, tracking: float = 0) -> float:
    """Advance width of what :func:`draw_runs` draws."""
    return sum(kerned_width(chunk, font, size) + tracking * len(chunk) for font, chunk in runs)


def _form_name(key: str) -> str:
    return "pageno-" + "".join(ch if ch.isalnum() else "-" for ch in key)


class Marker(Flowable):
    """Zero-size flowable: bookmark + outline entry + page record at its place."""

    def __init__(self, key: str, title: str, level: int, registry: PageRegistry) -> None:
        super().__init__()
        self.key, self.title, self.level, self.registry = key, title, level, registry
        self.width = self.height = 0

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self) -> None:
        canvas = self.canv
        canvas.bookmarkHorizontal(self.key, 0, 0)
        canvas.addOutlineEntry(self.title, self.key, self.level, closed=False)
        self.registry.pages[self.key] = canvas.getPageNumber()
        self.registry.outline.append((self.key, self.title, self.level))


class SectionBand(Flowable):
    """Column-wide band with a letter-spaced caps label, white on the primary colour."""

    def __init__(self, label: str, font: str, size: float, color: str, padding: float,
                 tracking: float, space_before: float = 0, space_after: float = 6,
                 marker: Marker | None = None, fallback=None, node=None) -> None:
        super().__init__()
        self.node = node  # the heading the band shows (tagged); the band itself is furniture
        self.label, self.font, self.size = label, font, size
        self.color, self.padding, self.tracking = color, padding, tracking
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self.marker = marker
        self.fallback = fallback  # callable(text) -> list[(font, chunk)]

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.height = self.size + 2 * self.padding
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        if self.marker is not None:
            self.marker.canv = c
            c.saveState()
            c.translate(0, self.height)
            self.marker.draw()
            c.restoreState()
        c.saveState()
        c.setFillColor(HexColor(self.color))
        with artifact(c):
            c.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        c.setFillColor(HexColor("#FFFFFF"))
        runs = self.fallback(self.label) if self.fallback else [(None, self.label)]
        with marked(c, self.node):
            draw_runs(c, self.padding * 1.5, self.padding + self.size * 0.22,
                      [(font or self.font, chunk) for font, chunk in runs], self.size, self.tracking)
        c.restoreState()


class _ShallowCopy:
    """BalancedColumns deep-copies flowables before each trial split; a shallow
    copy is enough for ours (split builds new objects) and keeps caches shared."""

    def __deepcopy__(self, memo):
        import copy

        return copy.copy(self)


class KeepWithLines(_ShallowCopy, Flowable):
    """A heading kept together with at least ``lines`` lines of the next flowable.

    If heading plus those lines do not fit, the whole group moves on (split
    returns nothing); otherwise the next flowable is split below the heading.
    This avoids both stranded headings and the empty column ReportLab's
    keepWithNext leaves when the following paragraph is long.
    """

    def __init__(self, head: list[Flowable], follower: Flowable, lines: int = 2, min_height: float = 0) -> None:
        super().__init__()
        self.head, self.follower, self.lines = head, follower, lines
        self.min_height = min_height  # height of `lines` lines of the follower

    def _head_height(self, width: float) -> float:
        heights = self.__dict__.setdefault("_head_heights", {})  # (see Stack.wrap)
        total = heights.get(width)
        if total is None:
            total = 0.0
            for i, f in enumerate(self.head):
                _, h = f.wrap(width, 1e6)
                total += h + (f.getSpaceBefore() if i else 0) + f.getSpaceAfter()
            heights[width] = total
        return total

    def getSpaceBefore(self):
        return self.head[0].getSpaceBefore() if self.head else 0

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        head = self._head_height(availWidth)
        _, h = self.follower.wrap(availWidth, max(availHeight - head, 1))
        self.height = head + self.follower.getSpaceBefore() + h
        return self.width, self.height

    def split(self, availWidth, availHeight):
        head = self._head_height(availWidth)
        room = availHeight - head - self.follower.getSpaceBefore()
        if room < self.min_height - 0.01:
            return []
        self.follower.wrap(availWidth, room)
        parts = self.follower.split(availWidth, room)
        if not parts:
            return []
        # Containers such as BalancedColumns keep only the first part of a
        # split in the current column, so the heading and the lines that go
        # with it must be one flowable.
        return [Stack([*self.head, parts[0]]), *parts[1:]]

    def draw(self) -> None:
        stack = Stack([*self.head, self.follower])
        stack.wrap(self.width, self.height)
        stack.drawOn(self.canv, 0, 0)


class Stack(_ShallowCopy, Flowable):
    """Flowables drawn one below the other as a unit (never split)."""

    def __init__(self, items: list[Flowable]) -> None:
        super().__init__()
        self.items = items

    def getSpaceBefore(self):
        return self.items[0].getSpaceBefore() if self.items else 0

    def getSpaceAfter(self):
        return self.items[-1].getSpaceAfter() if self.items else 0

    def wrap(self, availWidth, availHeight):
        # Balanced columns wrap a unit many times at one width; the height
        # of fixed content at a width never changes, so it is measured once.
        self.width = availWidth
        heights = self.__dict__.setdefault("_heights", {})
        total = heights.get(availWidth)
        if total is None:
            total = 0.0
            for i, f in enumerate(self.items):
                _, h = f.wrap(availWidth, 1e6)
                total += h + (f.getSpaceBefore() if i else 0) + (f.getSpaceAfter() if i < len(self.items) - 1 else 0)
            heights[availWidth] = total
        self.height = total
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        for i, f in enumerate(self.items):
            _, h = f.wrap(self.width, 1e6)
            y -= (f.getSpaceBefore() if i else 0) + h
            f.drawOn(self.canv, 0, y)
            y -= f.getSpaceAfter()


class Bulleted(_ShallowCopy, Flowable):
    """A list item: a small square bullet in the hanging indent of a paragraph.

    Drawn as a vector square, so the bullet needs no glyph from any font.
    """

    def __init__(self, paragraph: Flowable, color: str, size: float, first: bool = True) -> None:
        super().__init__()
        self.paragraph, self.color, self.size, self.first = paragraph, color, size, first

    def getSpaceBefore(self):
        return self.paragraph.getSpaceBefore() if self.first else 0

    def getSpaceAfter(self):
        return self.paragraph.getSpaceAfter()

    def wrap(self, availWidth, availHeight):
        self.width, self.height = self.paragraph.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        parts = self.paragraph.split(availWidth, availHeight)
        if not parts:
            return []
        return [Bulleted(p, self.color, self.size, self.first and i == 0) for i, p in enumerate(parts)]

    def draw(self) -> None:
        self.paragraph.drawOn(self.canv, 0, 0)
        if self.first:
            style = self.paragraph.style
            baseline = self.height - style.fontSize
            side = self.size
            self.canv.saveState()
            self.canv.setFillColor(HexColor(self.color))
            with artifact(self.canv):
                self.canv.rect(style.bulletIndent, baseline + style.fontSize * 0.36 - side / 2, side, side,
                               stroke=0, fill=1)
            self.canv.restoreState()


class Callout(_ShallowCopy, Flowable):
    """Tinted box with an accent rule on the left; splits across columns and pages."""

    def __init__(self, content: list[Flowable], tint: str, rule_color: str, padding: float,
                 rule_width: float, first: bool = True, last: bool = True,
                 space_before: float = 6, space_after: float = 6, min_lines_height: float = 25) -> None:
        super().__init__()
        self.content = content
        self.tint, self.rule_color = tint, rule_color
        self.padding, self.rule_width = padding, rule_width
        self.first, self.last = first, last
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self.min_lines_height = min_lines_height
        self._sizes: list[tuple[float, float]] = []

    def _pad_top(self) -> float:
        return self.padding if self.first else self.padding * 0.5

    def _pad_bottom(self) -> float:
        return self.padding if self.last else self.padding * 0.5

    def _inner_width(self, width: float) -> float:
        return width - self.rule_width - 2 * self.padding

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        inner = self._inner_width(availWidth)
        self._sizes = []
        total = self._pad_top() + self._pad_bottom()
        for i, f in enumerate(self.content):
            w, h = f.wrap(inner, 1e6)
            self._sizes.append((w, h))
            total += h + (f.getSpaceBefore() if i else 0) + (f.getSpaceAfter() if i < len(self.content) - 1 else 0)
        self.height = total
        return self.width, self.height

    def split(self, availWidth, availHeight):
        inner = self._inner_width(availWidth)
        room = availHeight - self._pad_top() - self.padding * 0.5
        if room < self.min_lines_height:
            return []
        taken: list[Flowable] = []
        rest = list(self.content)
        used = 0.0
        while rest:
            f = rest[0]
            gap = f.getSpaceBefore() if taken else 0
            _, h = f.wrap(inner, room - used - gap)
            if used + gap + h <= room:
                taken.append(rest.pop(0))
                used += gap + h + f.getSpaceAfter()
                continue
            parts = f.split(inner, room - used - gap) if room - used - gap > 0 else []
            if parts and len(parts) > 1:
                taken.append(parts[0])
                rest = list(parts[1:]) + rest[1:]
            break
        if not taken:
            return []
        if not rest:
            return [self]
        kw = dict(tint=self.tint, rule_color=self.rule_color, padding=self.padding,
                  rule_width=self.rule_width, min_lines_height=self.min_lines_height)
        head = Callout(taken, first=self.first, last=False, space_before=self.spaceBefore, space_after=0, **kw)
        tail = Callout(rest, first=False, last=self.last, space_before=0, space_after=self.spaceAfter, **kw)
        return [head, tail]

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        with artifact(c):
            c.setFillColor(HexColor(self.tint))
            c.rect(0, 0, self.width, self.height, stroke=0, fill=1)
            c.setFillColor(HexColor(self.rule_color))
            c.rect(0, 0, self.rule_width, self.height, stroke=0, fill=1)
        c.restoreState()
        inner = self._inner_width(self.width)
        y = self.height - self._pad_top()
        x = self.rule_width + self.padding
        for i, f in enumerate(self.content):
            w, h = f.wrap(inner, 1e6)
            if i:
                y -= f.getSpaceBefore()
            y -= h
            f.drawOn(c, x, y)
            y -= f.getSpaceAfter()


class ContentsEntry(Flowable):
    """A contents line: text, dot leaders, right-aligned page number; all of it a link."""

    def __init__(self, paragraph: Paragraph, registry: PageRegistry, key: str, font: str, size: float,
                 color: str, number_width: float, space_before: float = 3, node=None) -> None:
        super().__init__()
        self.node = node  # the TOCI: its Link holds the title (the paragraph) and the page number
        self.paragraph, self.registry, self.key = paragraph, registry, key
        registry.number_forms[key] = (font, size, color)
        self.font, self.size, self.color = font, size, color
        self.number_width = number_width
        self.spaceBefore = space_before

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.text_width = availWidth - self.number_width - 6
        _, self.height = self.paragraph.wrap(self.text_width, availHeight)
        return self.width, self.height

    def _last_line_end(self) -> float:
        """x where the entry's last line of text ends (ReportLab's extraSpace is the slack)."""
        last = self.paragraph.blPara.lines[-1]
        natural = getattr(last, "currentWidth", None)  # our paragraphs: balanced lines may be narrower
        if natural is not None:
            return self.paragraph.style.leftIndent + natural
        extra = last.extraSpace if hasattr(last, "extraSpace") else last[0]
        return self.text_width - extra

    def draw(self) -> None:
        c = self.canv
        para = self.paragraph
        para.drawOn(c, 0, 0)
        n = len(para.blPara.lines)
        baseline = self.height - para.style.fontSize - (n - 1) * para.style.leading
        start = self._last_line_end() + 4
        end = self.width - self.number_width - 3
        c.saveState()
        c.setFillColor(HexColor(self.color))
        dot = stringWidth(".", self.font, self.size)
        step = self.size * 0.45
        count = int((end - start) // step)
        if count > 0:
            leader = c.beginText(end - count * step, baseline)
            leader.setFont(self.font, self.size)
            # a font that kerns ".." draws the dots that much closer: the
            # character spacing makes up for it, so the step stays exact
            leader.setCharSpace(step - dot - kerned_width("..", self.font, self.size) + 2 * dot)
            text_out(leader, "." * count)
            with artifact(c):
                c.drawText(leader)
        c.translate(self.width, baseline)
        # The page number is part of the link's content (the whole entry is the link).
        link = self.node.find(type="Link") if self.node is not None else None
        with marked(c, link):
            c.doForm(_form_name(self.key))
        c.restoreState()
        c.linkRect("", self.key, (0, 0, self.width, self.height), relative=1, thickness=0)
        tagger = tagger_of(c)
        if tagger is not None and self.node is not None:
            link = tagger.element(self.node.find(type="Link"))
            tagger.add_annotation(c, f"Annot.NUMBER{c._annotationCount}", link)


class DisplayLine(Flowable):
    """Display type that is never wrapped: one line, scaled down only if wider than the room.

    A METRIX value such as "49,1" must not break into "4" / "9,1"; a
    paragraph would, the moment its measured width exceeds the column by a
    rounding error. This flowable measures its runs, reports that width (plus
    a small tolerance) and, when the available width is smaller, draws the
    line at the size that fits.
    """

    #: Room left beyond the measured width, so rounding never changes the layout.
    TOLERANCE = 0.5

    def __init__(self, runs: list[tuple[str, str]], size: float, color: str, leading: float | None = None,
                 space_after: float = 0, node=None) -> None:
        super().__init__()
        self.node = node
        self.runs, self.size, self.color = runs, size, color
        self.leading_factor = (leading or size * 1.05) / size
        self.spaceAfter = space_after
        self.natural = sum(kerned_width(chunk, font, 1) for font, chunk in runs)
        self.drawn_size = size

    def wrap(self, availWidth, availHeight):
        fits = self.natural * self.size + self.TOLERANCE
        self.drawn_size = self.size if fits <= availWidth else max(availWidth - self.TOLERANCE, 1) / self.natural
        self.width = min(fits, availWidth)
        self.height = self.drawn_size * self.leading_factor
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setFillColor(HexColor(self.color))
        # The baseline where a paragraph of this size and leading puts it.
        with marked(c, self.node):
            draw_runs(c, 0, self.height - self.drawn_size, self.runs, self.drawn_size)
        c.restoreState()


class Rule(HRFlowable):
    """A horizontal rule; furniture in a tagged PDF."""

    def draw(self):
        with artifact(self.canv, ARTIFACT_LAYOUT):
            super().draw()


class Columns(BalancedColumns):
    """Balanced columns whose trial splits measure each flowable only once.

    ReportLab balances by a golden-section search over the column height; every
    trial walks the whole content, wrapping each flowable again (at the same
    width and an unbounded height, so always to the same size) until one
    overflows, which is then split.  Here the walk is the same – same order,
    same float operations, same splits – but a flowable's size and spaces at a
    width are looked up after its first measurement.  The chosen height, the
    column contents and therefore the PDF are exactly ReportLab's.

    Valid because every flowable the briefing puts in columns wraps
    deterministically: its size depends on the width alone (the trial height
    is always 0xfffffff), and a repeated wrap leaves nothing that a later
    step reads (the frames wrap everything again before drawing).
    """

    _HUGE = 0xfffffff   # the height ReportLab measures trial content with

    def _measure(self, canv, f, width: float):
        """(frame action?, width, height, space before, space after) of ``f``."""
        memo = self.__dict__.setdefault("_measured", {})
        hit = memo.get(id(f))
        if hit is not None and hit[0] is f and hit[1] == width:
            return hit[2]
        if hasattr(f, "frameAction"):
            m = (True, 0.0, 0.0, 0.0, 0.0)
        else:
            w, h = f.wrapOn(canv, width, self._HUGE)
            m = (False, w, h, f.getSpaceBefore(), f.getSpaceAfter())
        memo[id(f)] = (f, width, m)   # holds f, so its id stays unique
        return m

    def _findSplit(self, canv, availWidth, availHeight, mergeSpace=1, obj=None, content=None,
                   paraFix=True):
        """The content that fits a column of ``availHeight``: (widest width,
        height used, fitting flowables, the rest), split where a flowable
        overflows – ReportLab's column walk, with memoised measurements."""
        if paraFix or obj is not None or not mergeSpace:
            return super()._findSplit(canv, availWidth, availHeight, mergeSpace, obj, content, paraFix)
        flowables = self._getContent(content)
        widest = 0
        used = 0
        space_after = 0
        first = True
        for i, f in enumerate(flowables):
            action, w, h, before, after = self._measure(canv, f, availWidth)
            if action:
                # An Indenter would narrow the rest; the briefing has none.
                return super()._findSplit(canv, availWidth, availHeight, mergeSpace, obj, content,
                                          paraFix)
            if w <= _FUZZ or h <= _FUZZ:
                continue
            widest = max(widest, w)
            if first:
                first = False
            else:
                used += max(before - space_after, 0)
            if used >= availHeight or w > availWidth:
                return widest, availHeight, flowables[:i], flowables[i:]
            used += h
            if used > availHeight:
                room = availHeight - (used - h)
                try:
                    parts = cdeepcopy(f).splitOn(canv, availWidth, room)
                except Exception:
                    parts = None   # as ReportLab: a flowable that cannot be copied moves on
                if not parts:
                    return widest, availHeight, flowables[:i], flowables[i:]
                return widest, availHeight, flowables[:i] + parts[:1], parts[1:] + flowables[i + 1:]
            space_after = after
            used += space_after
        return widest, used - space_after, flowables, []

    def _generated_content(self, aW, aH):
        try:
            height, generated = super()._generated_content(aW, aH)
        finally:
            self.__dict__.pop("_measured", None)   # trial parts are garbage now
        for g in generated:
            # What does not fit continues in a plain BalancedColumns ReportLab
            # builds; it is balanced the same way, so make it one of ours.
            if type(g) is BalancedColumns:
                g.__class__ = Columns
        return height, generated
