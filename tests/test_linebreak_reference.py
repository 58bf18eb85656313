"""The optimised breaker gives exactly what the plain Knuth–Plass search gives.

``linebreak._run`` keeps active nodes as tuples, stops scanning a breakpoint
at the first node whose line is still too short, shares prefix sums between
passes and bounds the unbounded pass by a probe's demerits.  None of that may
change a single break, ratio or demerit: the PDFs must stay byte-identical.
So this file carries a deliberately plain reference search (one object per
node, every node tried against every breakpoint, no bound) and compares the
two, field by field and float by float, on random paragraphs that exercise
every rule: hyphen points and ladders, ties, forced breaks, negative
penalties, box expansion, first-line widths, ragged line stretch, short last
lines and impossible lines (emergency splitting).
"""
import random

import pytest

from briefing_pdf import linebreak as lb
from briefing_pdf.linebreak import FIL, INF, Box, Glue, Penalty, Params


class _RefNode:
    def __init__(self, pos, start, line, fitness, hrun, demerits, prev, flagged, ratio):
        self.pos, self.start, self.line, self.fitness = pos, start, line, fitness
        self.hrun, self.demerits, self.prev = hrun, demerits, prev
        self.flagged, self.ratio = flagged, ratio


def _ref_run(items, line_width, params, tolerance, allow_auto):
    """Plain Knuth–Plass pass with the project's rules (demerits, fitness
    classes, hyphen cap, last-line rules, dominance of candidates)."""
    n = len(items)
    sw, sy, sz, sg = [0.0], [0.0], [0.0], [0]
    for it in items:
        glue_or_box = not it.is_penalty
        sw.append(sw[-1] + it.width if glue_or_box else sw[-1])
        sy.append(sy[-1] + it.stretch if glue_or_box else sy[-1])
        sz.append(sz[-1] + it.shrink if glue_or_box else sz[-1])
        sg.append(sg[-1] + (1 if it.is_glue and it.stretch < FIL else 0))

    def next_box(i):
        while i < n and not (items[i].is_box or (items[i].is_penalty and items[i].cost <= -INF)):
            i += 1
        return i

    def width(k):
        return line_width(k) if callable(line_width) else float(line_width)

    inf = float("inf")
    active = [_RefNode(-1, next_box(0), 0, 1, 0, 0.0, None, False, 0.0)]
    for b, it in enumerate(items):
        if it.is_glue:
            if not (b > 0 and items[b - 1].is_box):
                continue
            pw, cost, flagged = 0.0, 0.0, False
        elif it.is_penalty:
            if it.cost >= INF or (it.auto and not allow_auto):
                continue
            pw, cost, flagged = it.width, it.cost, it.flagged
        else:
            continue
        forced = it.is_penalty and cost <= -INF
        pen = cost * cost if cost > 0 else (-cost * cost if -INF < cost < 0 else 0.0)
        best = {}
        survivors = []
        for a in active:
            st = a.start
            L = sw[b] + pw - sw[st]
            lw = width(a.line)
            if L < lw:
                Y = sy[b] - sy[st] + params.line_stretch
                r = (lw - L) / Y if Y > 0 else inf
            elif L > lw:
                Z = sz[b] - sz[st]
                r = (lw - L) / Z if Z > 0 else -inf
                if r < -1.0:
                    continue
            else:
                r = 0.0
            if not forced:
                survivors.append(a)
            if r > tolerance or (flagged and a.hrun >= params.max_consecutive_hyphens):
                continue
            bad = 1e12 if r == inf else min(1e12, 100.0 * (r * r * r if r > 0 else -r * r * r))
            d = (params.line_penalty + bad) ** 2 + pen
            if flagged and a.flagged:
                d += params.double_hyphen_demerits
            fit = 0 if r < -0.5 else 1 if r <= 0.5 else 2 if r <= 1.0 else 3
            if a.pos >= 0 and abs(fit - a.fitness) > 1:
                d += params.adj_demerits
            if b == n - 1:
                if a.flagged:
                    d += params.final_hyphen_demerits
                    m = params.min_last_line_width
                    if sg[b] - sg[st] == 0 and (m <= 0 or sw[b] - sw[st] < 1.5 * m):
                        if tolerance != inf:
                            continue
                        d += params.last_fragment_demerits
                m = params.min_last_line_width
                if m > 0:
                    nat = sw[b] - sw[st]
                    if nat < m and a.pos >= 0:
                        d += params.short_last_line_demerits * (1.0 + (m - nat) / m)
            total = a.demerits + d
            key = (fit, a.hrun + 1 if flagged else 0)
            if key not in best or total < best[key][0]:
                best[key] = (total, a, r)
        active = survivors
        kept = []
        for total, hrun, fit, a, r in sorted((v[0], k[1], k[0], v[1], v[2]) for k, v in best.items()):
            if any(kh <= hrun and (kt + params.adj_demerits <= total or (kf == fit and kt <= total))
                   for kt, kh, kf in kept):
                continue
            kept.append((total, hrun, fit))
            active.append(_RefNode(b, next_box(b + 1), a.line + 1, fit, hrun, total, a, flagged, r))
        if not active:
            return None
    finals = [a for a in active if a.pos == n - 1]
    if not finals:
        return None
    node = min(finals, key=lambda a: a.demerits)
    total_d, chain = node.demerits, []
    while node.pos >= 0:
        chain.append(node)
        node = node.prev
    lines, start = [], next_box(0)
    for k, nd in enumerate(reversed(chain)):
        it = items[nd.pos]
        pw = it.width if it.is_penalty else 0.0
        Y = sy[nd.pos] - sy[start]
        lines.append(lb.Line(start=start, end=nd.pos, ratio=nd.ratio,
                             hyphenated=bool(it.is_penalty and it.flagged),
                             forced=it.is_penalty and it.cost <= -INF,
                             natural=sw[nd.pos] - sw[start] + pw,
                             stretch=Y - FIL if Y >= FIL / 2 else Y,
                             shrink=sz[nd.pos] - sz[start], width=width(k), penalty_width=pw,
                             flagged=bool(it.is_penalty and it.flagged)))
        start = nd.start
    return lines, total_d


def _ref_break_lines(items, line_width, params):
    """break_lines' pass strategy on top of the reference pass."""
    if not any(it.is_box for it in items):
        return None
    its = lb._prepare(items)
    has_auto = any(it.is_penalty and it.auto for it in its)
    tol = {1: params.tolerance1, 2: params.tolerance2, 3: params.tolerance3}
    for p in params.passes:
        if p == 2 and not has_auto and 1 in params.passes and params.tolerance2 <= params.tolerance1:
            continue
        res = _ref_run(its, line_width, params, tol[p], p != 1)
        if res is not None:
            return p, res
    split = lb._split_oversize(its, line_width, params)
    res = _ref_run(split, line_width, params, float("inf"), True)
    if res is None and any(it.is_penalty and it.payload is lb.TIE for it in split):
        split = [Penalty(0.0, params.emergency_penalty, False, lb.TIE)
                 if it.is_penalty and it.payload is lb.TIE else it for it in split]
        res = _ref_run(split, line_width, params, float("inf"), True)
    return (4, res) if res is not None else (5, None)


def _random_paragraph(rng):
    """Words of 1–3 syllables with hyphen points, ties, explicit hyphens,
    occasional forced breaks, negative penalties and over-long words."""
    items = []
    expand = rng.random() < 0.5
    for k in range(rng.randint(1, 70)):
        sylls = rng.randint(1, 3)
        for j in range(sylls):
            w = rng.uniform(6, 30) if rng.random() > 0.02 else rng.uniform(120, 260)
            pieces = [w / 4] * 4
            items.append(Box(w, ("w", k, j), w * 0.02 if expand else 0.0,
                             w * 0.02 if expand else 0.0, pieces))
            if j < sylls - 1:
                items.append(Penalty(3.0, rng.choice([50, 50, 200]), True, "hy", auto=True))
        if rng.random() < 0.03:
            items.append(Box(-0.8, "kern"))   # negative widths end the sorted scan
        roll = rng.random()
        if roll < 0.05:
            items.append(lb.tie())
        elif roll < 0.08:
            items.append(Penalty(0.0, 0.0, True))          # "Maschinenbau- und"
        elif roll < 0.10:
            items.append(Penalty(0.0, -rng.choice([50, 300]), False))  # a preferred break
        elif roll < 0.12:
            items.extend(lb.forced_break())
            continue
        space = rng.uniform(2.5, 3.5)
        items.append(Glue(space, space * rng.choice([0.5, 1.0]), space / 3, " "))
    return items


def _random_params(rng):
    p = Params()
    if rng.random() < 0.4:
        p.min_last_line_width = rng.uniform(10, 40)
    if rng.random() < 0.2:
        p.line_stretch = 27.0   # ragged text
    if rng.random() < 0.2:
        p.passes = (3,)         # display headings
    if rng.random() < 0.1:
        p.max_consecutive_hyphens = 1
    return p


def _line_width(rng):
    w = rng.choice([90.0, 140.0, 236.69])
    roll = rng.random()
    if roll < 0.3:
        first = w - rng.uniform(5, 20)
        return lambda i: first if i == 0 else w
    if roll < 0.4:   # a shaped paragraph (a float cut-out): every line differs
        return lambda i: w - 30.0 * (i % 3)
    if roll < 0.5:   # one narrow line: later nodes may fit where earlier do not
        return lambda i: 25.0 if i == 1 else w
    return w


@pytest.mark.parametrize("seed", range(40))
def test_breaker_equals_reference_search(seed):
    rng = random.Random(seed)
    checked = 0
    for _ in range(15):
        items = _random_paragraph(rng)
        params = _random_params(rng)
        lw = _line_width(rng)
        got = lb.break_lines(items, lw, params)
        want_pass, want = _ref_break_lines(items, lw, params)
        assert got.pass_used == want_pass
        if want is None:
            continue
        assert got.lines == want[0]           # every field, floats exactly
        assert got.demerits == want[1]
        checked += 1
    assert checked >= 10


def test_reference_covers_the_bounded_fallback():
    """The equality above must include paragraphs that need pass 3 after a
    failed pass 2 (where the demerits bound applies) – else it proves little."""
    used = set()
    for seed in range(40):
        rng = random.Random(seed)
        for _ in range(15):
            items = _random_paragraph(rng)
            params = _random_params(rng)
            used.add((lb.break_lines(items, _line_width(rng), params).pass_used,
                      tuple(params.passes)))
    assert {(1, (1, 2, 3)), (2, (1, 2, 3)), (3, (1, 2, 3)), (3, (3,)), (4, (1, 2, 3))} <= used


def _fewest_exhaustive(items, line_width, slack):
    """Fewest fitting lines by dynamic programming over all break sets."""
    its = lb._prepare(items)
    n = len(its)
    bps = [b for b, it in enumerate(its)
           if (it.is_glue and b > 0 and its[b - 1].is_box) or (it.is_penalty and it.cost < INF)]
    sw = [0.0]
    for it in its:
        sw.append(sw[-1] + (0.0 if it.is_penalty else it.width))

    def start_after(b):
        i = b + 1
        while i < n and not (its[i].is_box or (its[i].is_penalty and its[i].cost <= -INF)):
            i += 1
        return i

    def width(k):
        return line_width(k) if callable(line_width) else float(line_width)

    # state: (start, line index) -> fewest further lines
    memo = {}

    def go(start, k):
        if (start, k) in memo:
            return memo[(start, k)]
        best = None
        for b in bps:
            if b < start and not (its[b].is_penalty and its[b].cost <= -INF):
                continue
            if b < start:
                continue
            pw = its[b].width if its[b].is_penalty else 0.0
            if sw[b] - sw[start] + pw <= width(k) + slack:
                rest = 0 if b == n - 1 else go(start_after(b), k + 1)
                if rest is not None and (best is None or rest + 1 < best):
                    best = rest + 1
            if its[b].is_penalty and its[b].cost <= -INF:
                break   # a forced break must end this line or an earlier one
        memo[(start, k)] = best
        return best

    return go(start_after(-1), 0)


@pytest.mark.parametrize("seed", range(20))
def test_fewest_lines_is_the_true_minimum(seed):
    rng = random.Random(1000 + seed)
    for _ in range(10):
        items = [it for it in _random_paragraph(rng)
                 if not (it.is_penalty and it.cost >= INF)][:60]
        lw = _line_width(rng)
        got = lb.fewest_lines(items, lw, 1e-6)
        want = _fewest_exhaustive(items, lw, 1e-6)
        if got is None:
            # Only when some piece fits no line at all, widths are negative,
            # or lines differ beyond the first (first fit may then get stuck
            # on a narrow line that a set with an extra short line avoids).
            shaped = callable(lw) and lw(1) != lw(2)
            assert want is None or shaped or any(it.width < 0 for it in items)
        else:
            assert got == want


def test_fewest_lines_of_an_empty_paragraph_is_zero():
    assert lb.fewest_lines([], 100.0) == len(lb.break_lines([], 100.0).lines) == 0
    assert lb.fewest_lines([Glue(3.0, 1.0, 1.0)], 100.0) == 0


def test_fewest_lines_bounds_every_break_set():
    """No line set the breaker produces with all lines fitting is shorter
    than the bound (what lets display headings skip trial breaks)."""
    rng = random.Random(5)
    seen = 0
    for _ in range(200):
        items = _random_paragraph(rng)
        lw = _line_width(rng)
        br = lb.break_lines(items, lw, Params(passes=(3,)))
        bound = lb.fewest_lines(items, lw, 1e-6)
        if bound is not None and all(ln.natural <= ln.width + 1e-6 for ln in br.lines):
            assert len(br.lines) >= bound
            seen += 1
    assert seen > 30


def test_narrow_middle_line_is_not_skipped():
    """Lines of 100, 30, 100 pt: at some breakpoint the node that ends line 1
    (its next line 100 pt) is too short, yet a later node that ends line 0
    (its next line 30 pt) fits.  A scan that stopped at the first too-short
    node would miss the only feasible set in pass 2; with a line-width
    function the breaker must try every node."""
    items = []
    for k, w in enumerate([41, 26, 5, 13, 26, 42, 31, 25, 52, 49]):
        if k:
            items.append(Glue(4.0, 4.0, 1.0))
        items.append(Box(float(w), k))
    widths = lambda i: 30.0 if i == 1 else 100.0   # noqa: E731
    params = Params(passes=(2,), line_stretch=40.0)
    got = lb.break_lines(items, widths, params)
    want_pass, want = _ref_break_lines(items, widths, params)
    assert got.pass_used == want_pass == 2
    assert got.lines == want[0]
    assert [(ln.start, ln.end) for ln in got.lines] == [(0, 7), (8, 9), (10, 13), (14, 17), (18, 20)]
