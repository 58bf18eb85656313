"""The no-break rules of briefing_pdf.ties, one case per rule and language.

``~`` in the expected strings marks a tied space (U+00A0 in the output).
"""

from __future__ import annotations

import pytest

from briefing_pdf.ties import tie_spaces


def tied(text: str, lang: str) -> str:
    return tie_spaces(text, lang).replace("\u00a0", "~")


@pytest.mark.parametrize("lang,text,expected", [
    ("de", "Rund 50 % mehr", "Rund 50~% mehr"),
    ("de", "um 3,5 Prozentpunkte", "um 3,5~Prozentpunkte"),
    ("de", "€ 12,4 Mrd. Umsatz", "€~12,4~Mrd. Umsatz"),
    ("de", "mit 15 MW Leistung", "mit 15~MW Leistung"),
    ("en", "US$ 4.7 bn in aid", "US$~4.7~bn in aid"),
    ("en", "−0.8 % in May", "−0.8~% in May"),
    ("de", "120 000 t Stahl", "120~000~t Stahl"),
    ("de", "am 1. März 2027 in Kraft", "am 1.~März~2027 in Kraft"),
    ("de", "bis 30. Nov. 2026", "bis 30.~Nov.~2026"),
    ("en", "(30 Nov 2026)", "(30~Nov~2026)"),
    ("en", "on November 30, 2026, said", "on November~30,~2026, said"),
    ("de", "sagte Prof. Dr. Anna Keller", "sagte Prof.~Dr.~Anna Keller"),
    ("de", "in Nr. 12 der Reihe", "in Nr.~12 der Reihe"),
    ("en", "No. 12 and Mr Lee met Dr Li", "No.~12 and Mr~Lee met Dr~Li"),
    ("en", "J. R. Ewing spoke", "J.~R.~Ewing spoke"),
    ("en", "Š. Kārkliņš spoke", "Š.~Kārkliņš spoke"),
    ("de", "nach § 12 AMG und §§ 3 ff.", "nach §~12 AMG und §§~3 ff."),
])
def test_rules(lang, text, expected):
    assert tied(text, lang) == expected


@pytest.mark.parametrize("lang,text", [
    ("de", "Die Kosten stiegen deutlich, sagte sie am Abend."),
    ("en", "In 2025 companies grew; a. b. c. are lowercase."),
    ("de", "Im Jahr 2025 kamen Vertreter aus Berlin."),  # a year and a word: no unit
    ("en", "March forward, the minister said."),       # a month name without a number
])
def test_ordinary_spaces_stay_breakable(lang, text):
    assert "~" not in tied(text, lang)


def test_rules_do_not_hide_each_other():
    """'1.' before a month is a date, not an initial (each rule runs on its own)."""
    assert tied("ab dem 1. März", "de") == "ab dem 1.~März"


def _ungated(text: str, lang: str) -> list:
    """Every rule run on the whole text, without the gates that skip it."""
    import re

    from briefing_pdf.ties import _patterns

    found = set()
    for rule, _gate, _digit in _patterns(lang):
        pattern = re.compile(rule)
        for m in pattern.finditer(text):
            if "initial" in pattern.groupindex and not (m.group("initial").isupper() and m.group("name").isupper()):
                continue
            found.add(m.start() + m.group(0).index(" "))
    return sorted(found)


def test_gates_never_skip_a_rule_that_matches():
    """A rule is run only on texts that pass its cheap gate (speed); on random texts
    built from every rule's material the gated result equals running all rules."""
    import random

    from briefing_pdf.ties import tie_positions

    words = ["5", "12", "2026", "120", "000", "1.", "30.", "3,", "%", "MW", "Mrd.", "bn", "€", "US$", "xUS$",
             "EUR", "−4", "+3", "Rs.", "Nov", "November", "Nov.", "März", "May", "Sept.", "Dr.", "Dr", "Mrs.",
             "Prof.", "Dipl.-Ing.", "Ing.", "J.", "R.", "a.", "B", "Ewing", "§", "§§", "p.", "Haus", "١٢", "km²"]
    gaps = [" ", " ", " ", "", "\u00a0", ". ", ", "]
    rnd = random.Random(11)
    tied_any = 0
    for _ in range(3000):
        text = "".join(rnd.choice(words) + rnd.choice(gaps) for _ in range(rnd.randint(1, 10)))
        for lang in ("de", "en"):
            expected = _ungated(text, lang)
            assert tie_positions(text, lang) == expected, (text, lang)
            tied_any += bool(expected)
    assert tied_any > 1000   # the texts exercise the rules
