"""No-break rules: which spaces in running text must never become line ends.

Editors type "50 %", "€ 12,4 Mrd.", "Dr. Anna Keller", "30. November 2026"
or "§ 12" with ordinary spaces; a reader stumbles when a line ends between
the parts. Typesetters tie them (TeX's ``~``). This text-stage pass finds
those spaces and turns them into U+00A0 NO-BREAK SPACE. The paragraph
adapter sets a no-break space as an ordinary, stretchable word space with an
infinite penalty in front, so a tie never looks tighter than its line; only
when a tied unit cannot fit a line at all may the breaker's emergency
strategy untie it (never an overfull line).

The rules, in the order a reader meets them (docs/typography.md lists them
for editors):

* a number and its unit, per cent sign or currency: "50 %", "15 MW",
  "12,4 Mrd.", "4.7 bn", "US$ 4.7", "€ 12"; digit groups "120 000";
* day, month and year: "30. November 2026", "30 Nov 2026", "November 30";
* a title or reference abbreviation and what follows: "Dr.", "Prof.",
  "Nr.", "No.", "Art.", "Abs.", "S.", "p." (per language);
* initials: "J. R. Ewing";
* the section sign: "§ 12", "§§ 3".

Short CJK runs are kept whole elsewhere (:func:`briefing_pdf.hyphenate.break_points`),
because they contain no spaces to tie.
"""

from __future__ import annotations

import re
from functools import lru_cache

NBSP = "\u00a0"

_UNITS = (
    r"%|‰|‱|°C|°F|°|pp|bp|Pkt\.|Prozent(?:punkte)?|percent|per\s?cent|"
    r"Mrd\.?|Mio\.?|Tsd\.?|bn|mn|tn|trn|million|billion|trillion|Millionen|Milliarden|Billionen|"
    r"[kMGT]?Wh?|[kMGT]?Wp|kV|V|Hz|GHz|MHz|nm|mm|cm|km|km²|m²|m³|m|ha|kg|g|mg|t|kt|Mt|Gt|l|hl|bbl|"
    r"Euro|Dollar|Cent|ct|Yuan|Renminbi|Yen|Won|Pfund|Franken|"
    r"EUR|USD|GBP|CHF|CNY|RMB|JPY|KRW|€|\$|£|¥|₩|Uhr|h|min|s|ms|dB|ppm|TEU|BIP|GDP"
)
_CURRENCY = r"US\$|NT\$|HK\$|A\$|C\$|S\$|€|\$|£|¥|₩|₹|EUR|USD|GBP|CHF|CNY|RMB|JPY|KRW|Rs\.?"
_MONTHS = {
    "de": r"Januar|Jan\.|Februar|Feb\.|März|Mär\.|April|Apr\.|Mai|Juni|Jun\.|Juli|Jul\.|August|Aug\.|"
          r"September|Sept?\.|Oktober|Okt\.|November|Nov\.|Dezember|Dez\.",
    "en": r"January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?",
}
_TITLES = {
    "de": r"Dr\.|Prof\.|Nr\.|Hr\.|Fr\.|St\.|Abs\.|Art\.|Bd\.|S\.|Kap\.|Abb\.|Tab\.|Ziff\.|Dipl\.-Ing\.|"
          r"Mag\.|Ing\.|No\.|Sen\.|Gen\.",
    "en": r"Dr\.?|Prof\.|No\.|Nos\.|Nr\.|Mrs?\.?|Ms\.?|Mx\.?|St\.|Sen\.|Rep\.|Gov\.|Gen\.|Col\.|Capt\.|"
          r"Lt\.|Sgt\.|Rev\.|Hon\.|Art\.|Sec\.|Ch\.|Fig\.|Vol\.|vol\.|pp\.|p\.|no\.|fig\.|ch\.|art\.",
}


@lru_cache(maxsize=None)
def _patterns(lang: str) -> tuple[tuple[str, object, bool], ...]:
    """``(rule, gate, needs a digit)``: one regex per rule (its source: it is
    compiled when a text first passes its gate); in each match, the first
    space is a space to tie.

    A rule may consume the words before its space (Python's look-behind must
    have a fixed width). The rules run separately, so one rule's match never
    hides another's ("1. März": no initial, but a date).

    The gate says cheaply whether the rule can match a text at all: the rule
    without its leading look-behind (a positive one becomes text to match), or
    the plain text its matches always hold. A regex that begins with a
    look-behind is tried at every position of a text; a gate begins with a
    character class or plain text, which the regex engine skips through
    fast, and most texts fail every gate, so most rules never run. The third
    element says whether the rule needs a digit (its gate is not tried on a
    text without one).
    """
    months = _MONTHS.get(lang, _MONTHS["en"])
    all_months = f"{_MONTHS['de']}|{_MONTHS['en']}"
    titles = _TITLES.get(lang, _TITLES["en"])
    end = r"(?!\w)"
    units = rf"(?:{_UNITS}){end}(?!\.\w)"
    rules = [
        (rf"(?<=\d) (?={units})", rf"\d {units}"),                                  # 50 %, 15 MW, 12,4 Mrd.
        (rf"(?<![\w$])(?:{_CURRENCY}) (?=[−+-]?\d)", rf"(?:{_CURRENCY}) [−+-]?\d"),  # € 12, US$ 4.7
        (r"(?<=\d) (?=\d{3}(?!\d))", r"\d \d{3}(?!\d)"),                            # 120 000
        (rf"(?<=\d\.) (?=(?:{months}){end})", rf"\d\. (?:{months}){end}"),           # 30. November (de)
        (rf"(?<=\d) (?=(?:{all_months}){end})", rf"\d (?:{all_months}){end}"),         # 30 Nov
        (rf"(?<!\w)(?:{all_months}) (?=\d{{1,4}}{end})", rf"(?:{all_months}) \d"),     # November 30, Nov 2026
        (rf"(?<![\d.,])\d{{1,2}}, (?=\d{{4}}{end})", r"\d, \d{4}"),                   # (May 3,) 2026
        (rf"(?<![\w.])(?:{titles}) (?=\S)", rf"(?:{titles}) \S"),                      # Dr. Keller, Nr. 12
        (r"(?<![\w.])(?P<initial>\w)\. (?=(?P<name>\w))", r"\. "),                      # J. R. Ewing
        (r"(?<=§) (?=\d)", "§ "),                                                     # § 12, §§ 3
    ]
    return tuple((rule, re.compile(gate).search, "\\d" in gate) for rule, gate in rules)


_DIGIT = re.compile(r"\d")
_compiled = lru_cache(maxsize=None)(re.compile)


def tie_positions(text: str, lang: str | None) -> list[int]:
    """Indices of the spaces in ``text`` that must not break, in order."""
    if " " not in text:
        return []
    positions = set()
    # Most sentences skip most rules after a cheap test (the rule's gate).
    digit = _DIGIT.search(text) is not None
    for rule, gate, needs_digit in _patterns(lang or "en"):
        if (needs_digit and not digit) or gate(text) is None:
            continue
        pattern = _compiled(rule)
        for m in pattern.finditer(text):
            if "initial" in pattern.groupindex and not (m.group("initial").isupper()
                                                        and m.group("name").isupper()):
                continue  # "a. B" is no initial; only capitals are
            positions.add(m.start() + m.group(0).index(" "))
    return sorted(positions)


def tie_spaces(text: str, lang: str | None) -> str:
    """``text`` with every space that must not break replaced by U+00A0."""
    positions = tie_positions(text, lang)
    if not positions:
        return text
    chars = list(text)
    for i in positions:
        chars[i] = NBSP
    return "".join(chars)
