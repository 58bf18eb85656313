"""Whole-paragraph line breaking (Knuth–Plass class), pure Python.

This module knows nothing about ReportLab or fonts.  A paragraph is a list of
*items* in the classic box/glue/penalty model:

``Box(width, payload, stretch=0, shrink=0)``
    Something that is drawn and never broken (a word, a syllable, a CJK
    character).  Unlike TeX, a box may carry a little stretch and shrink of its
    own: that is how *font expansion* (glyph scaling of ±2 %, optionally a
    touch of letter spacing) enters the line breaker, the way pdfTeX's
    ``\\pdfadjustspacing`` does it.  Whole-paragraph breaking alone cannot get a
    45-character justified column below ~8–13 loose lines; with expansion the
    breaker can choose line sets where word spaces stay near natural.

``Glue(width, stretch, shrink, payload)``
    An interword space.  A legal breakpoint when it follows a box; discarded at
    a line start and at a line end.

``Penalty(width, cost, flagged, payload, auto=False)``
    A possible breakpoint.  ``width`` is what is *added* to the line when the
    break is taken (the width of a hyphen).  ``flagged`` marks hyphen breaks
    (explicit or automatic) so that consecutive hyphenated lines can be
    penalised and capped.  ``auto=True`` marks discretionary (dictionary)
    hyphenation points, which the first pass ignores – like TeX, we only
    hyphenate a paragraph when it cannot be set well without.
    ``cost >= INF`` forbids the break, ``cost <= -INF`` forces it.

:func:`break_lines` returns a :class:`Breaks` object whose ``lines`` are
:class:`Line` records (item range, adjustment ratio, hyphenation flag).  The
adjustment ratio ``r`` follows Knuth–Plass: the line's width deficit divided by
its total stretch (or shrink); ``r = 1`` means every stretchable component is
used fully.  The renderer distributes the difference the same way.

Strategy (why several passes):

1. Pass 1: no automatic hyphenation, low tolerance.  Most lines that can be
   set without hyphens should be – hyphens cost readability.
2. Pass 2: with hyphenation, tolerance ``r <= 1`` (with our glue model that
   means no word space beyond 2× natural).
3. Pass 3: with hyphenation, unlimited stretch tolerance (shrink is still
   capped at ``r >= -1``: an overfull line is never acceptable).  Demerits grow
   with ``r**3``, so this still picks the least bad set.
4. Emergency: if even pass 3 finds no feasible set, some token is wider than
   the line.  Boxes that carry per-character widths (``Box.pieces``) are then
   split into characters with unflagged emergency breaks between them (no
   hyphen is added; a URL or a long word is cut), and pass 3 runs again.  Only
   if that still fails do we fall back to a first-fit that may overfill.

There is no looseness parameter (TeX's ``\\looseness``): briefings never need
to make a paragraph deliberately longer or shorter.

State kept per active node: position, fitness class (4 classes as in TeX),
and the length of the run of consecutive hyphenated lines ending there.  A
flagged break that would make that run exceed ``max_consecutive_hyphens`` is
simply illegal – demerits alone do not reliably prevent ladders.

Final-line rule: the paragraph gets finishing glue (parfillskip, infinite
stretch) and a forced break.  A last line narrower than
``min_last_line_width`` gets extra demerits, and a last line that is only the
tail fragment of a hyphenated word (no interword glue in it) and narrower
than 1.5 times that minimum is illegal in passes 1–2 and gets very large demerits
in pass 3, so both are avoided whenever an alternative exists.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Sequence, Union

__all__ = [
    "INF", "Box", "Glue", "Penalty", "Line", "Breaks", "Params",
    "break_lines", "forced_break", "BoxPiece", "TIE", "tie",
]

#: Penalty cost meaning "never" (>= INF) or "always" (<= -INF).
INF = 10000
#: Stretch used for finishing glue; large enough to make r ~ 0 on last lines.
FIL = 1e7


class Box:
    """Unbreakable material.  ``pieces`` (optional) is a sequence of
    per-character (or per-cluster) widths – or a callable returning it, so
    callers need not measure every character up front – used only for
    emergency splitting of a token that is wider than the line."""
    __slots__ = ("width", "payload", "stretch", "shrink", "pieces")
    is_box = True
    is_glue = False
    is_penalty = False

    def __init__(self, width: float, payload: Any = None, stretch: float = 0.0,
                 shrink: float = 0.0, pieces: Optional[Sequence[float]] = None):
        self.width = width
        self.payload = payload
        self.stretch = stretch
        self.shrink = shrink
        self.pieces = pieces

    def __repr__(self):
        return "Box(%.2f, %r)" % (self.width, self.payload)


class Glue:
    """Stretchable/shrinkable space; a breakpoint when preceded by a box."""
    __slots__ = ("width", "stretch", "shrink", "payload")
    is_box = False
    is_glue = True
    is_penalty = False

    def __init__(self, width: float, stretch: float, shrink: float, payload: Any = None):
        self.width = width
        self.stretch = stretch
        self.shrink = shrink
        self.payload = payload

    def __repr__(self):
        return "Glue(%.2f, %.2f, %.2f)" % (self.width, self.stretch, self.shrink)


class Penalty:
    """Breakpoint with a cost; ``width`` is added to the line if taken."""
    __slots__ = ("width", "cost", "flagged", "payload", "auto")
    is_box = False
    is_glue = False
    is_penalty = True

    def __init__(self, width: float, cost: float, flagged: bool = False,
                 payload: Any = None, auto: bool = False):
        self.width = width
        self.cost = cost
        self.flagged = flagged
        self.payload = payload
        self.auto = auto

    def __repr__(self):
        return "Penalty(%.2f, %r, %s%s)" % (self.width, self.cost, self.flagged,
                                            ", auto" if self.auto else "")


@dataclass(frozen=True)
class BoxPiece:
    """Payload of a box produced by emergency splitting: characters
    ``start:end`` of the original box's payload."""
    payload: Any
    start: int
    end: int


#: Payload of a tie: an infinite penalty placed before an interword glue, so
#: the space stretches like any other but no line ends there (TeX's ``~``).
#: Only the emergency strategy may untie, when the tied unit cannot fit a line.
TIE = "tie"


def tie() -> Penalty:
    """A no-break penalty for the glue that follows it."""
    return Penalty(0.0, INF, False, TIE)


def forced_break(payload: Any = None) -> list:
    """Items for an explicit line break (``<br/>``): finishing glue plus a
    forced penalty, so the broken line is set at natural width."""
    return [Glue(0.0, FIL, 0.0, payload), Penalty(0.0, -INF, False, payload)]


@dataclass
class Params:
    """Tuning knobs.  Defaults were tuned on a German two-column briefing
    (84.5 mm columns, 9.5 pt Noto Serif) – see the module docstring."""
    tolerance1: float = 0.6          # max r in pass 1 (no auto hyphenation)
    tolerance2: float = 1.0          # max r in pass 2
    tolerance3: float = float("inf")  # pass 3
    line_penalty: float = 10.0       # TeX \linepenalty
    adj_demerits: float = 3000.0     # fitness class jump > 1
    double_hyphen_demerits: float = 6000.0  # two flagged breaks in a row
    final_hyphen_demerits: float = 5000.0   # penultimate line hyphenated
    max_consecutive_hyphens: int = 2  # hard cap (ladder length)
    min_last_line_width: float = 0.0  # points; 0 disables the rule
    short_last_line_demerits: float = 50000.0
    last_fragment_demerits: float = 1e6   # last line = tail of hyphenated word
    emergency_penalty: float = 5000.0     # cost of a character-level break
    #: stretch every line has at its end, like TeX's ``\\rightskip 0pt plus
    #: 3em`` in ragged-right text: a line holding one long word is then merely
    #: short, not infinitely bad (which would make hyphenation look attractive)
    line_stretch: float = 0.0
    passes: Sequence[int] = (1, 2, 3)
    #: run the emergency strategy when all passes fail (else return None)
    emergency: bool = True


@dataclass
class Line:
    """One line of a broken paragraph.

    ``start``/``end``: the line's material is ``items[start:end]`` (``end`` is
    the breakpoint index; a glue break is excluded, a penalty break contributes
    its width – the hyphen – when ``hyphenated``/``flagged`` is set).
    ``ratio`` is the adjustment ratio (see module docstring); ``natural`` the
    natural width including a penalty width; ``stretch``/``shrink`` the total
    available.  ``forced`` is true for lines ended by a forced break (the last
    line, ``<br/>``): those are set at natural width, not justified.
    """
    start: int
    end: int
    ratio: float
    hyphenated: bool
    forced: bool
    natural: float
    stretch: float
    shrink: float
    width: float
    penalty_width: float = 0.0
    flagged: bool = False


@dataclass
class Breaks:
    items: list
    lines: List[Line]
    pass_used: int
    demerits: float = 0.0


class _Node:
    __slots__ = ("pos", "start", "line", "fitness", "hrun", "demerits", "prev",
                 "flagged", "ratio")

    def __init__(self, pos, start, line, fitness, hrun, demerits, prev, flagged, ratio):
        self.pos = pos
        self.start = start
        self.line = line
        self.fitness = fitness
        self.hrun = hrun
        self.demerits = demerits
        self.prev = prev
        self.flagged = flagged
        self.ratio = ratio


def _fitness(r: float) -> int:
    if r < -0.5:
        return 0   # tight
    if r <= 0.5:
        return 1   # decent
    if r <= 1.0:
        return 2   # loose
    return 3       # very loose


def _prepare(items: list) -> list:
    """Append finishing glue + forced break unless the list already ends
    with a forced break (in which case finishing glue is inserted before)."""
    items = list(items)
    if items and items[-1].is_penalty and items[-1].cost <= -INF:
        last = items.pop()
        if not (items and items[-1].is_glue and items[-1].stretch >= FIL):
            items.append(Glue(0.0, FIL, 0.0))
        items.append(last)
    else:
        while items and items[-1].is_glue:
            items.pop()
        items.append(Glue(0.0, FIL, 0.0))
        items.append(Penalty(0.0, -INF, False))
    return items


def _run(items, line_width, params: Params, tolerance: float, allow_auto: bool):
    """One Knuth–Plass pass.  Returns (lines, demerits) or None if infeasible."""
    n = len(items)
    sw = [0.0] * (n + 1)
    sy = [0.0] * (n + 1)
    sz = [0.0] * (n + 1)
    sg = [0] * (n + 1)   # number of interword glues (for the last-line rule)
    w = y = z = 0.0
    g = 0
    for i, it in enumerate(items):
        sw[i] = w
        sy[i] = y
        sz[i] = z
        sg[i] = g
        if it.is_box:
            w += it.width
            y += it.stretch
            z += it.shrink
        elif it.is_glue:
            w += it.width
            y += it.stretch
            z += it.shrink
            if it.stretch < FIL:
                g += 1
    sw[n] = w
    sy[n] = y
    sz[n] = z
    sg[n] = g

    # next_box[i]: index of first box at or after i (or the forced break).
    next_box = [n] * (n + 1)
    nxt = n
    for i in range(n - 1, -1, -1):
        it = items[i]
        if it.is_box or (it.is_penalty and it.cost <= -INF):
            nxt = i
        next_box[i] = nxt

    const_width = not callable(line_width)
    lw_const = float(line_width) if const_width else 0.0
    lp = params.line_penalty
    line_stretch = params.line_stretch
    max_h = params.max_consecutive_hyphens
    min_last = params.min_last_line_width
    inf = float("inf")

    active: List[_Node] = [_Node(-1, next_box[0], 0, 1, 0, 0.0, None, False, 0.0)]
    last_index = n - 1

    # Legal breakpoints: (index, penalty width, cost, flagged, forced).
    bps = []
    prev_box = False
    for b, it in enumerate(items):
        if it.is_glue:
            if prev_box:
                bps.append((b, 0.0, 0.0, False, False))
            prev_box = False
        elif it.is_penalty:
            c = it.cost
            if c < INF and (allow_auto or not it.auto):
                bps.append((b, it.width, c, it.flagged, c <= -INF))
            prev_box = False
        else:
            prev_box = True

    dhd = params.double_hyphen_demerits
    adj = params.adj_demerits
    for b, pw, cost, flagged, forced in bps:
        swb = sw[b] + pw
        syb = sy[b]
        szb = sz[b]
        if cost > 0:
            pen = cost * cost
        elif -INF < cost < 0:
            pen = -cost * cost
        else:
            pen = 0.0
        is_last = b == last_index
        best = {}
        new_active = []
        for a in active:
            st = a.start
            L = swb - sw[st]
            lw = lw_const if const_width else line_width(a.line)
            if L < lw:
                Y = syb - sy[st] + line_stretch
                r = (lw - L) / Y if Y > 0 else inf
            elif L > lw:
                Z = szb - sz[st]
                r = (lw - L) / Z if Z > 0 else -inf
                if r < -1.0:
                    # Line already too long: later breaks only get longer.
                    continue
            else:
                r = 0.0
            if not forced:
                new_active.append(a)
            if r > tolerance:
                continue
            if flagged and a.hrun >= max_h:
                continue   # hard cap on hyphen ladders
            # Demerits (Knuth–Plass, TeX flavour).
            if r == inf:
                bad = 1e12
            else:
                bad = 100.0 * (r * r * r if r > 0 else -r * r * r)
                if bad > 1e12:
                    bad = 1e12
            d = (lp + bad) ** 2 + pen
            if flagged and a.flagged:
                d += dhd
            if r < -0.5:
                fit = 0      # tight
            elif r <= 0.5:
                fit = 1      # decent
            elif r <= 1.0:
                fit = 2      # loose
            else:
                fit = 3      # very loose
            if a.pos >= 0 and (fit - a.fitness > 1 or a.fitness - fit > 1):
                d += adj
            if is_last:
                if a.flagged:
                    d += params.final_hyphen_demerits
                    if sg[b] - sg[st] == 0 and (
                            min_last <= 0 or sw[b] - sw[st] < 1.5 * min_last):
                        # Last line = short tail of a hyphenated word.
                        # Illegal in the bounded passes, heavily penalised
                        # in the last.  (A long tail, "Entscheidungs-|
                        # systeme.", is normal German typesetting.)
                        if tolerance != inf:
                            continue
                        d += params.last_fragment_demerits
                if min_last > 0:
                    nat = sw[b] - sw[st]
                    if nat < min_last and a.pos >= 0:
                        d += params.short_last_line_demerits * (1.0 + (min_last - nat) / min_last)
            total = a.demerits + d
            hrun = a.hrun + 1 if flagged else 0
            key = (fit, hrun)
            cur = best.get(key)
            if cur is None or total < cur[0]:
                best[key] = (total, a, r)
        active = new_active
        if best:
            start = next_box[b + 1] if b + 1 <= n else n
            cands = sorted(((v[0], k[1], k[0], v[1], v[2]) for k, v in best.items()))
            kept = []
            for total, hrun, fit, a, r in cands:
                # Prune dominated candidates (TeX keeps a fitness class only
                # if it is within adj_demerits of the best): c is dominated by
                # a cheaper k with no longer hyphen run, since any future
                # line costs c at most adj_demerits less than it costs k.
                dominated = False
                for kt, kh, kf in kept:
                    if kh <= hrun and (kt + adj <= total or (kf == fit and kt <= total)):
                        dominated = True
                        break
                if dominated:
                    continue
                kept.append((total, hrun, fit))
                active.append(_Node(b, start, a.line + 1, fit, hrun, total, a,
                                    flagged, r))
        if not active:
            return None

    # The forced final break deactivates everything else; pick the best node
    # that ends at the last item.
    finals = [a for a in active if a.pos == last_index]
    if not finals:
        return None
    node = min(finals, key=lambda a: a.demerits)
    total_d = node.demerits
    chain = []
    while node is not None and node.pos >= 0:
        chain.append(node)
        node = node.prev
    chain.reverse()

    lines = []
    start = next_box[0]
    for k, nd in enumerate(chain):
        b = nd.pos
        it = items[b]
        pw = it.width if it.is_penalty else 0.0
        nat = sw[b] - sw[start] + pw
        Y = sy[b] - sy[start]
        Z = sz[b] - sz[start]
        lw = lw_const if const_width else line_width(k)
        forced = it.is_penalty and it.cost <= -INF
        lines.append(Line(start=start, end=b, ratio=nd.ratio,
                          hyphenated=bool(it.is_penalty and it.flagged),
                          forced=forced, natural=nat, stretch=Y - FIL if Y >= FIL / 2 else Y,
                          shrink=Z, width=lw, penalty_width=pw,
                          flagged=bool(it.is_penalty and it.flagged)))
        start = nd.start
    return lines, total_d


def _split_oversize(items: list, line_width, params: Params) -> list:
    """Emergency: split boxes wider than the (narrowest) line into their
    ``pieces`` with unflagged emergency penalties in between."""
    if callable(line_width):
        lw = min(line_width(0), line_width(1))
    else:
        lw = float(line_width)
    out = []
    for it in items:
        pcs = it.pieces if it.is_box else None
        if pcs is not None and it.width - it.shrink > lw:
            if callable(pcs):
                pcs = pcs()
        if pcs is not None and it.width - it.shrink > lw and len(pcs) > 1:
            total = sum(pcs) or 1.0
            pos = 0
            for k, pwid in enumerate(pcs):
                frac = pwid / total
                if k:
                    out.append(Penalty(0.0, params.emergency_penalty, False,
                                       payload="emergency"))
                out.append(Box(pwid, BoxPiece(it.payload, pos, pos + 1),
                               it.stretch * frac, it.shrink * frac))
                pos += 1
        else:
            out.append(it)
    return out


def _first_fit(items: list, line_width) -> List[Line]:
    """Last resort: greedy breaking that tolerates overfull lines."""
    lines = []
    n = len(items)
    start = 0
    while start < n and not items[start].is_box:
        start += 1
    k = 0
    while start < n:
        lw = line_width(k) if callable(line_width) else float(line_width)
        w = y = z = 0.0
        last_ok = None
        i = start
        end = None
        while i < n:
            it = items[i]
            if it.is_penalty and it.cost <= -INF:
                end = i
                break
            legal = (it.is_glue and i > start and items[i - 1].is_box) or \
                    (it.is_penalty and it.cost < INF)
            if legal:
                pw = it.width if it.is_penalty else 0.0
                if w + pw - z <= lw or last_ok is None:
                    last_ok = (i, w + pw, y, z, pw)
                else:
                    break
            if it.is_box or it.is_glue:
                w += it.width
                y += it.stretch
                z += it.shrink
            i += 1
        if end is not None and (w - z <= lw or last_ok is None):
            b, nat, Y, Z, pw = end, w, y, z, 0.0
        elif last_ok is not None:
            b, nat, Y, Z, pw = last_ok
        else:
            b, nat, Y, Z, pw = n - 1, w, y, z, 0.0
        it = items[b]
        forced = it.is_penalty and it.cost <= -INF
        Yf = Y - FIL if Y >= FIL / 2 else Y
        r = 0.0 if forced else ((lw - nat) / Yf if nat < lw and Yf > 0 else
                                ((lw - nat) / Z if nat > lw and Z > 0 else 0.0))
        lines.append(Line(start, b, max(r, -1.0), bool(it.is_penalty and it.flagged), forced,
                          nat, Yf, Z, lw, pw, bool(it.is_penalty and it.flagged)))
        k += 1
        start = b + 1
        while start < n and not items[start].is_box:
            start += 1
    return lines


def break_lines(items: Sequence, line_width: Union[float, Callable[[int], float]],
                params: Optional[Params] = None) -> Optional[Breaks]:
    """Break ``items`` into lines of ``line_width`` (a number, or a callable
    mapping the 0-based line index to a width).

    Returns a :class:`Breaks`; ``Breaks.items`` is the list the line indices
    refer to (the input plus finishing glue, and possibly with oversize boxes
    split into pieces by the emergency strategy).  An empty paragraph gives
    zero lines.  Returns ``None`` only when ``params.emergency`` is false and
    no pass found a feasible set of breaks.
    """
    params = params or Params()
    if not any(it.is_box for it in items):
        return Breaks(items=list(items), lines=[], pass_used=0)
    its = _prepare(items)
    has_auto = any(it.is_penalty and it.auto for it in its)
    tol = {1: params.tolerance1, 2: params.tolerance2, 3: params.tolerance3}
    for p in params.passes:
        if p == 2 and not has_auto and 1 in params.passes and params.tolerance2 <= params.tolerance1:
            continue
        res = _run(its, line_width, params, tol[p], allow_auto=(p != 1))
        if res is not None:
            return Breaks(items=its, lines=res[0], pass_used=p, demerits=res[1])
    if not params.emergency:
        return None
    split = _split_oversize(its, line_width, params)
    res = _run(split, line_width, params, float("inf"), allow_auto=True)
    if res is None and any(it.is_penalty and it.payload is TIE for it in split):
        # A tied unit ("US$ 4.7 bn") wider than the line: untie rather than overfill.
        split = [Penalty(0.0, params.emergency_penalty, False, TIE)
                 if it.is_penalty and it.payload is TIE else it for it in split]
        res = _run(split, line_width, params, float("inf"), allow_auto=True)
    if res is not None:
        return Breaks(items=split, lines=res[0], pass_used=4, demerits=res[1])
    return Breaks(items=split, lines=_first_fit(split, line_width), pass_used=5)
