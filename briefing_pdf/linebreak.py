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


class _Sums:
    """Prefix sums and breakpoints of one item list.

    Computed once per item list and shared by all passes (passes differ only
    in tolerance and in whether automatic hyphenation points count), so a
    paragraph that needs pass 2 or 3 does not redo this linear work.
    ``sw``/``sy``/``sz``: width, stretch, shrink of ``items[:i]``; ``sg``: the
    number of interword glues before ``i`` (for the last-line rule);
    ``next_box[i]``: the first box (or forced break) at or after ``i``, where
    the line after a break at ``i - 1`` starts.  ``bps``: legal breakpoints as
    ``(index, penalty width, demerits of the cost, flagged, forced)``;
    ``auto[k]``: whether breakpoint ``k`` is an automatic hyphenation point.
    """
    __slots__ = ("n", "sw", "sy", "sz", "sg", "next_box", "bps", "auto", "_bps_no_auto",
                 "ordered", "bonus")

    def __init__(self, items: list):
        n = self.n = len(items)
        sw = self.sw = [0.0] * (n + 1)
        sy = self.sy = [0.0] * (n + 1)
        sz = self.sz = [0.0] * (n + 1)
        sg = self.sg = [0] * (n + 1)
        next_box = self.next_box = [n] * (n + 1)
        bps = self.bps = []
        auto = self.auto = []
        self._bps_no_auto = None
        w = y = z = 0.0
        g = 0
        prev_box = False
        ordered = True   # no box or glue with negative width or stretch
        bonus = False    # some breakpoint with a negative (finite) cost
        for i, it in enumerate(items):
            sw[i] = w
            sy[i] = y
            sz[i] = z
            sg[i] = g
            if it.is_box:
                w += it.width
                y += it.stretch
                z += it.shrink
                prev_box = True
                if it.width < 0 or it.stretch < 0:
                    ordered = False
            elif it.is_glue:
                w += it.width
                y += it.stretch
                z += it.shrink
                if it.width < 0 or it.stretch < 0:
                    ordered = False
                if it.stretch < FIL:
                    g += 1
                if prev_box:
                    bps.append((i, 0.0, 0.0, False, False))
                    auto.append(False)
                prev_box = False
            else:
                c = it.cost
                if c < INF:
                    # The cost enters the demerits as its square (negative for
                    # a bonus; a forced break adds nothing).
                    if c > 0:
                        pen = c * c
                    elif -INF < c < 0:
                        pen = -c * c
                        bonus = True
                    else:
                        pen = 0.0
                    bps.append((i, it.width, pen, it.flagged, c <= -INF))
                    auto.append(it.auto)
                prev_box = False
        sw[n] = w
        sy[n] = y
        sz[n] = z
        sg[n] = g
        self.ordered = ordered
        self.bonus = bonus
        nxt = n
        for i in range(n - 1, -1, -1):
            it = items[i]
            if it.is_box or (it.is_penalty and it.cost <= -INF):
                nxt = i
            next_box[i] = nxt

    def bps_without_auto(self) -> list:
        """The breakpoints of pass 1: without automatic hyphenation points."""
        if self._bps_no_auto is None:
            self._bps_no_auto = [bp for bp, a in zip(self.bps, self.auto) if not a]
        return self._bps_no_auto


def _run(items, line_width, params: Params, tolerance: float, allow_auto: bool,
         sums: Optional[_Sums] = None, limit: float = float("inf")):
    """One Knuth–Plass pass.  Returns (lines, demerits) or None if infeasible.

    Active nodes are tuples ``(sw, sy, sz, lw, start, line, fitness, hrun,
    demerits, flagged, pos, prev, ratio)`` – the prefix sums at the start of
    the node's next line and that line's width are looked up once, when the
    node is created, not for every breakpoint it is tried against.  The
    line-width callable is assumed to be a pure function of the line index.
    """
    if sums is None:
        sums = _Sums(items)
    n = sums.n
    sw, sy, sz, sg, next_box = sums.sw, sums.sy, sums.sz, sums.sg, sums.next_box
    if callable(line_width):
        widths = {}

        def width_of(k):
            v = widths.get(k)
            if v is None:
                v = widths[k] = line_width(k)
            return v
    else:
        lw_const = float(line_width)

        def width_of(k):
            return lw_const
    lp = params.line_penalty
    ls = params.line_stretch
    max_h = params.max_consecutive_hyphens
    min_last = params.min_last_line_width
    dhd = params.double_hyphen_demerits
    adj = params.adj_demerits
    fhd = params.final_hyphen_demerits
    lfd = params.last_fragment_demerits
    sld = params.short_last_line_demerits
    bounded = tolerance != float("inf")
    # Nodes are created in breakpoint order, so later nodes start later and
    # (with no negative widths or stretch) their lines are shorter and less
    # stretchable: once one node's line is too short for a breakpoint, so is
    # every later node's line (the float operations are monotone too).  Holds
    # only when all lines have the same width and the tolerance is not negative.
    ordered = sums.ordered and not callable(line_width) and tolerance >= 0
    inf = float("inf")
    last_index = n - 1

    st0 = next_box[0]
    active = [(sw[st0], sy[st0], sz[st0], width_of(0), st0, 0, 1, 0, 0.0, False, -1, None, 0.0)]
    for b, pw, pen, flagged, forced in (sums.bps if allow_auto else sums.bps_without_auto()):
        swb = sw[b] + pw
        syb = sy[b]
        szb = sz[b]
        best = None
        dead = None
        for a in active:
            a_sw, a_sy, a_sz, lw, st, line, a_fit, a_hrun, a_dem, a_flag, a_pos, _p, _r = a
            L = swb - a_sw
            if L < lw:
                Y = syb - a_sy + ls
                r = (lw - L) / Y if Y > 0 else inf
                if r > tolerance:
                    if ordered:
                        break   # every later node's line is shorter still
                    continue
            elif L > lw:
                Z = szb - a_sz
                r = (lw - L) / Z if Z > 0 else -inf
                if r < -1.0:
                    # Line already too long: later breaks only get longer.
                    if dead is None:
                        dead = {id(a)}
                    else:
                        dead.add(id(a))
                    continue
                if r > tolerance:
                    continue
            else:
                r = 0.0
                if r > tolerance:
                    continue
            if flagged and a_hrun >= max_h:
                continue   # hard cap on hyphen ladders
            # Demerits (Knuth–Plass, TeX flavour).
            if r == inf:
                bad = 1e12
            else:
                bad = 100.0 * (r * r * r if r > 0 else -r * r * r)
                if bad > 1e12:
                    bad = 1e12
            d = (lp + bad) ** 2 + pen
            if flagged and a_flag:
                d += dhd
            if r < -0.5:
                fit = 0      # tight
            elif r <= 0.5:
                fit = 1      # decent
            elif r <= 1.0:
                fit = 2      # loose
            else:
                fit = 3      # very loose
            if a_pos >= 0 and (fit - a_fit > 1 or a_fit - fit > 1):
                d += adj
            if b == last_index:
                if a_flag:
                    d += fhd
                    if sg[b] - sg[st] == 0 and (
                            min_last <= 0 or sw[b] - sw[st] < 1.5 * min_last):
                        # Last line = short tail of a hyphenated word.
                        # Illegal in the bounded passes, heavily penalised
                        # in the last.  (A long tail, "Entscheidungs-|
                        # systeme.", is normal German typesetting.)
                        if bounded:
                            continue
                        d += lfd
                if min_last > 0:
                    nat = sw[b] - sw[st]
                    if nat < min_last and a_pos >= 0:
                        d += sld * (1.0 + (min_last - nat) / min_last)
            total = a_dem + d
            if total > limit:
                continue
            hrun = a_hrun + 1 if flagged else 0
            key = (fit, hrun)
            if best is None:
                best = {key: (total, a, r)}
            else:
                cur = best.get(key)
                if cur is None or total < cur[0]:
                    best[key] = (total, a, r)
        if forced:
            active = []
        elif dead is not None:
            active = [a for a in active if id(a) not in dead]
        if best is not None:
            start = next_box[b + 1] if b + 1 <= n else n
            s_sw, s_sy, s_sz = sw[start], sy[start], sz[start]
            if len(best) == 1:
                ((fit, hrun), (total, a, r)), = best.items()
                active.append((s_sw, s_sy, s_sz, width_of(a[5] + 1), start, a[5] + 1, fit,
                               hrun, total, flagged, b, a, r))
            else:
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
                    active.append((s_sw, s_sy, s_sz, width_of(a[5] + 1), start, a[5] + 1, fit,
                                   hrun, total, flagged, b, a, r))
        if not active:
            return None

    # The forced final break deactivates everything else; pick the best node
    # that ends at the last item.
    finals = [a for a in active if a[10] == last_index]
    if not finals:
        return None
    node = min(finals, key=lambda a: a[8])
    total_d = node[8]
    chain = []
    while node is not None and node[10] >= 0:
        chain.append(node)
        node = node[11]
    chain.reverse()

    lines = []
    start = next_box[0]
    for k, nd in enumerate(chain):
        b = nd[10]
        it = items[b]
        pw = it.width if it.is_penalty else 0.0
        nat = sw[b] - sw[start] + pw
        Y = sy[b] - sy[start]
        Z = sz[b] - sz[start]
        lw = width_of(k)
        forced = it.is_penalty and it.cost <= -INF
        lines.append(Line(start=start, end=b, ratio=nd[12],
                          hyphenated=bool(it.is_penalty and it.flagged),
                          forced=forced, natural=nat, stretch=Y - FIL if Y >= FIL / 2 else Y,
                          shrink=Z, width=lw, penalty_width=pw,
                          flagged=bool(it.is_penalty and it.flagged)))
        start = nd[4]
    return lines, total_d


def fewest_lines(items: Sequence, line_width: Union[float, Callable[[int], float]],
                 slack: float = 0.0) -> Optional[int]:
    """A lower bound on the number of lines of any set of breaks in which no
    line's natural width exceeds its measure plus ``slack``; ``None`` when no
    such bound is known (negative widths, or a forced line that cannot fit).

    First fit is exact here: ending every line at the last breakpoint that
    still fits reaches at least as far after ``k`` lines as any other set of
    fitting lines (a later line start only makes a line narrower).  Callers
    use it to skip trial breaks that cannot succeed – cheaply, in one scan.
    """
    if not any(it.is_box for it in items):
        return 0   # break_lines gives an empty paragraph no lines
    its = _prepare(items)
    sums = _Sums(its)
    if not sums.ordered:
        return None
    sw = sums.sw
    next_box = sums.next_box
    bps = sums.bps
    width_of = line_width if callable(line_width) else (lambda k, w=float(line_width): w)
    # The smallest penalty width: a breakpoint beyond ``start + measure - it``
    # cannot fit, which ends the scan of a line.
    low = min([0.0] + [bp[1] for bp in bps])
    lines = 0
    start = next_box[0]
    i = 0
    nb = len(bps)
    while True:
        limit = width_of(lines) + slack
        last = None
        j = i
        while j < nb:
            b, pw, _pen, _f, forced = bps[j]
            nat = sw[b] - sw[start]
            if nat + low > limit:
                break
            if nat + pw <= limit:
                last = j
            if forced:
                break
            j += 1
        if last is None:
            return None   # a line that fits nowhere: no bound
        lines += 1
        b = bps[last][0]
        if b == sums.n - 1:
            return lines
        i = last + 1
        start = next_box[b + 1]


#: Tolerance of the probe that gives an unbounded pass its demerits bound.
PROBE_TOLERANCE = 2.0


def _run_unbounded(items, line_width, params: Params, allow_auto: bool,
                   sums: _Sums, probe: bool):
    """A pass with unlimited stretch tolerance, pruned by a bound.

    With no tolerance every active node is tried against every breakpoint
    until its line overflows, and hopelessly loose lines (``r`` of 5, 20,
    ...) spawn nodes whose demerits no final choice will ever want.  When
    demerits can only grow along a path (no negative penalty or demerit
    parameter), the demerits ``U`` of a probe pass with a moderate tolerance
    bound the search: every node of the unbounded pass whose total stays
    ``<= U`` is created exactly as without the bound (its parent also stays
    ``<= U``, and nodes above ``U`` neither win a (fitness, hyphen run) slot
    over it nor dominate it), so if the bounded search ends at all, it ends
    with the very node the full search picks.  If it does not, the full
    search runs.  The probe pays only after a bounded pass has failed (a
    paragraph with one line just beyond ``r = 1``); a ragged heading broken
    in the unbounded pass alone has few breakpoints and all of them are
    feasible, so a probe would merely repeat the search.
    """
    inf = float("inf")
    if probe and not sums.bonus and min(params.line_penalty, params.adj_demerits,
                              params.double_hyphen_demerits, params.final_hyphen_demerits,
                              params.last_fragment_demerits,
                              params.short_last_line_demerits) >= 0:
        bound = _run(items, line_width, params, PROBE_TOLERANCE, allow_auto, sums)
        if bound is not None:
            res = _run(items, line_width, params, inf, allow_auto, sums, limit=bound[1])
            if res is not None:
                return res
    return _run(items, line_width, params, inf, allow_auto, sums)


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
    sums = _Sums(its)
    failed = False
    for p in params.passes:
        if p == 2 and not has_auto and 1 in params.passes and params.tolerance2 <= params.tolerance1:
            continue
        if tol[p] == float("inf"):
            res = _run_unbounded(its, line_width, params, p != 1, sums, failed)
        else:
            res = _run(its, line_width, params, tol[p], allow_auto=(p != 1), sums=sums)
        if res is not None:
            return Breaks(items=its, lines=res[0], pass_used=p, demerits=res[1])
        failed = True
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
