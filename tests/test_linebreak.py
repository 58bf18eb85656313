"""Unit tests for briefing_pdf.linebreak (pure Knuth–Plass breaker)."""
import random

import pytest

from briefing_pdf import linebreak as lb
from briefing_pdf.linebreak import Box, Glue, Penalty, Params, break_lines

SPACE = 3.0


def words_to_items(words, hyphen_every=None, hyphen_cost=50, cjk=False):
    """words: list of widths, or lists of widths (syllables)."""
    items = []
    for k, w in enumerate(words):
        sylls = w if isinstance(w, (list, tuple)) else [w]
        for j, s in enumerate(sylls):
            items.append(Box(s, ("w", k, j), stretch=0.0, shrink=0.0))
            if j < len(sylls) - 1:
                items.append(Penalty(2.0, hyphen_cost, True, "hy", auto=True))
        if k < len(words) - 1:
            if cjk:
                items.append(Penalty(0.0, 0, False))
            else:
                items.append(Glue(SPACE, SPACE, SPACE / 3, " "))
    return items


def line_ok(items, ln, tol=1e-6):
    """Natural width minus all shrink must fit (no overfull line)."""
    return ln.natural - ln.shrink <= ln.width + tol


def line_boxes(br, ln):
    return [it for it in br.items[ln.start:ln.end] if it.is_box]


def test_empty_paragraph():
    assert break_lines([], 100).lines == []
    assert break_lines([Glue(3, 1, 1)], 100).lines == []


def test_one_word():
    br = break_lines([Box(20, "a")], 100)
    assert len(br.lines) == 1
    ln = br.lines[0]
    assert ln.forced and not ln.hyphenated
    assert ln.natural == pytest.approx(20)


def test_simple_paragraph_fits_and_is_optimal_not_greedy():
    # Classic case where first-fit makes a bad last-but-one line.
    words = [30, 30, 30, 30, 30, 30, 30, 30, 30, 30]
    br = break_lines(words_to_items(words), 100)
    for ln in br.lines:
        assert line_ok(br.items, ln)
    assert sum(len(line_boxes(br, ln)) for ln in br.lines) == len(words)
    assert all(ln.ratio <= 1.0 for ln in br.lines[:-1])


def test_word_longer_than_line_gets_emergency_break_not_overfull():
    pieces = [10.0] * 30          # a 300 pt token, e.g. a long URL
    items = [Box(20, "a"), Glue(SPACE, SPACE, 1),
             Box(300, "long", pieces=pieces), Glue(SPACE, SPACE, 1), Box(20, "b")]
    br = break_lines(items, 100)
    assert br.pass_used == 4
    for ln in br.lines:
        assert line_ok(br.items, ln), ln
        assert line_boxes(br, ln), "empty line"
    # every piece of the token appears exactly once, in order
    got = [it.payload for it in br.items if it.is_box]
    longp = [p for p in got if isinstance(p, lb.BoxPiece)]
    assert [p.start for p in longp] == list(range(30))
    # no hyphen is added at emergency breaks
    assert not any(ln.hyphenated for ln in br.lines)


def test_mixed_line_widths():
    words = [25] * 30
    widths = lambda i: 80 if i == 0 else 160
    br = break_lines(words_to_items(words), widths)
    assert br.lines[0].width == 80
    assert all(ln.width == 160 for ln in br.lines[1:])
    for ln in br.lines:
        assert line_ok(br.items, ln)
    assert br.lines[0].natural <= 80 + br.lines[0].shrink


def _max_run(lines):
    run = best = 0
    for ln in lines:
        run = run + 1 if ln.hyphenated else 0
        best = max(best, run)
    return best


def test_hyphen_ladder_capped_at_two():
    # Every word is hyphenable and hyphens are *attractive* (negative cost):
    # without the cap every line would end hyphenated.
    rnd = random.Random(3)
    words = [[rnd.uniform(12, 25), rnd.uniform(12, 25)] for _ in range(80)]
    items = words_to_items(words, hyphen_cost=-500)
    params = Params(double_hyphen_demerits=0)
    br = break_lines(items, 97.0, params)
    assert any(ln.hyphenated for ln in br.lines)
    assert _max_run(br.lines) <= 2
    params3 = Params(double_hyphen_demerits=0, max_consecutive_hyphens=1)
    assert _max_run(break_lines(items, 97.0, params3).lines) <= 1


def test_first_pass_does_not_hyphenate_when_not_needed():
    words = [[15, 15]] * 12
    items = words_to_items(words)
    br = break_lines(items, 200.0, Params(tolerance1=10))
    assert br.pass_used == 1
    assert not any(ln.hyphenated for ln in br.lines)


def test_cjk_run_breakable_between_chars():
    chars = [9.5] * 40            # 40 ideographs, no spaces at all
    items = []
    for k, w in enumerate(chars):
        items.append(Box(w, k, stretch=w * 0.02, shrink=w * 0.02))
        if k < len(chars) - 1:
            items.append(Penalty(0.0, 0, False))
    br = break_lines(items, 100.0)
    assert len(br.lines) >= 4
    for ln in br.lines:
        assert line_ok(br.items, ln)
    assert br.pass_used in (1, 2, 3)   # no emergency needed


def test_final_line_is_not_a_lone_fragment():
    rnd = random.Random(7)
    for trial in range(40):
        words = [[rnd.uniform(8, 22), rnd.uniform(8, 22)] if rnd.random() < 0.5
                 else rnd.uniform(8, 40) for _ in range(rnd.randint(8, 30))]
        br = break_lines(words_to_items(words, hyphen_cost=0), rnd.uniform(90, 160))
        lines = br.lines
        # In the bounded passes the rule is hard; pass 3 only penalises it.
        if br.pass_used < 3 and len(lines) >= 2 and lines[-2].hyphenated:
            last = lines[-1]
            glues = [it for it in br.items[last.start:last.end]
                     if it.is_glue and it.stretch < lb.FIL]
            assert glues, "last line is only the tail of a hyphenated word"
        for ln in lines:
            assert line_ok(br.items, ln)
            assert line_boxes(br, ln)


def test_lone_fragment_avoided_in_last_pass_when_cheap():
    # "aaaa bbbb cc-dd": the fragment "dd" alone would be the last line.
    items = [Box(40, "a"), Glue(SPACE, SPACE, 1), Box(40, "b"),
             Glue(SPACE, SPACE, 1), Box(10, "c"), Penalty(2, -200, True, "hy"),
             Box(10, "d")]
    br = break_lines(items, 95.0, Params(passes=(3,)))
    last = br.lines[-1]
    assert [it.payload for it in line_boxes(br, last)] != ["d"]


def test_short_last_line_avoided_when_possible():
    words = [20] * 13
    items = []
    for k, w in enumerate(words):
        items.append(Box(w, k))
        if k < len(words) - 1:
            items.append(Glue(SPACE, 4 * SPACE, 1))
    w = 4 * 20 + 3 * SPACE + 1   # 4 words a line -> last line 1 word
    plain = break_lines(items, w, Params(min_last_line_width=0))
    assert len(line_boxes(plain, plain.lines[-1])) == 1
    ruled = break_lines(items, w, Params(min_last_line_width=30, tolerance1=1.0))
    assert ruled.lines[-1].natural >= 30
    for ln in ruled.lines:
        assert line_ok(ruled.items, ln)


def test_forced_break_inside_paragraph():
    items = words_to_items([20, 20]) + [Glue(SPACE, SPACE, 1)]
    items = words_to_items([20, 20])
    items += lb.forced_break()
    items += words_to_items([20, 20])
    br = break_lines(items, 200)
    assert len(br.lines) == 2
    assert br.lines[0].forced and br.lines[1].forced


def test_first_fit_last_resort_when_unsplittable():
    items = [Box(20, "a"), Glue(SPACE, SPACE, 1), Box(300, "huge"),
             Glue(SPACE, SPACE, 1), Box(20, "b")]
    br = break_lines(items, 100)
    assert br.pass_used == 5
    assert [line_boxes(br, ln)[0].payload for ln in br.lines] == ["a", "huge", "b"]


def test_emergency_can_be_disabled():
    items = [Box(300, "huge", pieces=[10.0] * 30)]
    assert break_lines(items, 100, Params(emergency=False)) is None
