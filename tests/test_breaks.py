"""What must stay whole stays whole, on the page.

Each test builds a small issue written for the rule (content unlike the
samples: decimal commas, minus signs, German compounds in titles, names in
Han, Hangul and kana, generated dates, imprints with roles) and reads the
PDF's lines (tests/flow.py). Where a rule could pass by luck, a control
build with the rule switched off shows that the content does provoke the
break the rule prevents.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import flow
from briefing_pdf import document, hyphenate, kpparagraph
from briefing_pdf.pipeline import build

BODY = 9.5

# ----------------------------------------------------------------------------- helpers


def _issue(tmp_path: Path, name: str, data: dict) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _build(tmp_path: Path, name: str, data: dict) -> Path:
    source = _issue(tmp_path, name, data)
    out = tmp_path / f"{name}.pdf"
    build(source, out)
    return out


def _base(language: str, body: str, **extra) -> dict:
    data = {"date": "2026-11-30", "language": language,
            "top_story": {"title": "Ein Titel" if language == "de" else "A title", "body": body}}
    data.update(extra)
    return data


def _clear_caches() -> None:
    hyphenate._BP_MEMO.clear()
    kpparagraph._PLANS.clear()


# Sentences with every tie the German rules know, in varied positions.
_DE_FILLERS = ["Laut Bericht", "Im Vergleich dazu", "Wie erwartet", "Zuletzt", "Nach Angaben der Kammer",
               "Überraschend", "Im Vorjahr", "Demnach", "Bemerkenswert ist", "Schon früher"]
_DE_SENTENCE = ("{f} stiegen die Kosten um {n} % auf € {m},{k} Mrd., sagte Dr. Keller am {d}. November 2026 "
                "mit Verweis auf § {p} AMG; J. R. Ewing und Frau Tanaka (田中美咲) widersprachen, "
                "ebenso Herr Lee (이재명) in Nr. {p} der Reihe, die 15 MW Leistung nennt.")
_EN_FILLERS = ["According to the report", "By comparison", "As expected", "Lately", "Officials said",
               "Surprisingly", "Last year", "Accordingly", "Notably", "Earlier still"]
_EN_SENTENCE = ("{f} costs rose by {n} % to US$ {m}.{k} bn, Dr. Keller said on November {d}, 2026, "
                "citing No. {p} of the series; J. R. Ewing and Ms Tanaka (田中美咲) disagreed, as did "
                "Mr Lee (이재명), on {d} Nov 2026 under § {p} and with 15 MW of capacity.")


def _paragraph(template: str, fillers: list[str]) -> str:
    return " ".join(template.format(f=f, n=3 + i * 7, m=12 + i, k=i, d=1 + i * 3, p=10 + i)
                    for i, f in enumerate(fillers * 3))


# A pair (end of one line, start of the next) that a tie forbids.
_SPLIT = [
    (r"\d$", r"^(%|Mrd\.|bn|MW)"),                 # number | unit
    (r"^(€|US\$)$", r"^\d"),                       # currency | number
    (r"^\d+\.$", r"^November"),                   # 30. | November
    (r"^\d+$", r"^Nov"),                           # 30 | Nov
    (r"^(November|Nov)$", r"^\d"),                 # November | 30, Nov | 2026
    (r"^\d+,$", r"^\d{4}"),                        # 30, | 2026
    (r"^(Dr\.|Nr\.|No\.|§)$", r"."),               # title | name, § | 12
    (r"^[A-Z]\.$", r"^[A-Z]"),                     # J. | R. Ewing
    (r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]$", r"^[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"),  # (田 | 中美咲)
]


def _splits(pdf: Path) -> list[str]:
    found = []
    for line, after in flow.line_ends(flow.lines(pdf), BODY):
        if not line.words or not after.words:
            continue
        last, first = line.words[-1], after.words[0]
        for end, start in _SPLIT:
            if re.search(end, last) and re.search(start, first):
                found.append(f"{last} | {first}")
    return found


def _without_ties(monkeypatch) -> None:
    monkeypatch.setattr(document, "apply_ties", lambda root, lang: None)
    monkeypatch.setattr(hyphenate, "SHORT_CJK_RUN", 0)
    _clear_caches()


# ----------------------------------------------------------------------------- ties


@pytest.mark.parametrize("language,template,fillers", [("de", _DE_SENTENCE, _DE_FILLERS),
                                                       ("en", _EN_SENTENCE, _EN_FILLERS)])
def test_tied_units_never_split_across_lines(tmp_path, monkeypatch, language, template, fillers):
    body = _paragraph(template, fillers)
    tied = _build(tmp_path, "tied", _base(language, body))
    assert _splits(tied) == []
    # Control: the same text without the rules does split such units.
    with monkeypatch.context() as patched:
        _without_ties(patched)
        loose = _build(tmp_path, "loose", _base(language, body))
    _clear_caches()
    assert _splits(loose), "the control build should split some unit, or the test proves nothing"


def test_tied_text_keeps_its_characters_and_spacing(tmp_path):
    """A tie prints as a normal space: the text layer reads "50 %", and no line is overfull."""
    pdf = _build(tmp_path, "chars", _base("de", _paragraph(_DE_SENTENCE, _DE_FILLERS[:3])))
    text = " ".join(ln.text for ln in flow.lines(pdf) if abs(ln.size - BODY) < 0.3)
    assert "€ 12,0 Mrd." in text and "Dr. Keller" in text and "(田中美咲)" in text
    body = [ln for ln in flow.lines(pdf) if ln.column == 0 and abs(ln.size - BODY) < 0.3]
    ends = [round(ln.x1, 1) for ln in body]
    edge = max(set(ends), key=ends.count)  # the column's right edge: where justified lines end
    assert ends.count(edge) > len(ends) / 2
    # Only punctuation may hang into the margin (protrusion), by less than its own width.
    assert all(ln.x1 <= edge + 0.5 for ln in body if ln.text[-1].isalnum()), "no line runs past the column edge"
    assert all(ln.chars[-1]["x0"] <= edge + 0.5 for ln in body)


def test_a_tied_unit_wider_than_the_column_is_untied_not_overfull(tmp_path):
    long_unit = "Dr. " + " ".join(["Verkehrsinfrastrukturfinanzierungsgesellschaft"] * 2)
    pdf = _build(tmp_path, "wide", _base("de", f"Es sprach {long_unit} Nr. 5 über § 12."))
    body = [ln for ln in flow.lines(pdf) if abs(ln.size - BODY) < 0.3 and ln.page > 1]
    left_edge = min(ln.x0 for ln in body if ln.column == 0)
    column_width = 85 * 2.835  # generous: the design's column is about 84 mm
    assert all(ln.x1 - left_edge <= column_width for ln in body if ln.column == 0)


def test_generated_digest_dates_stay_whole(tmp_path, monkeypatch):
    items = [{"title": f"Meldung {i}", "publisher": "Agentur", "url": f"https://example.org/{i}",
              "date": f"2026-11-{10 + i:02d}", "text": "Die Behörde bestätigte den Bericht " + "weitgehend " * i + "am Abend."}
             for i in range(14)]
    data = _base("en", "A short lead.", digest=items)
    pdf = _build(tmp_path, "digest", data)
    small = [ln for ln in flow.lines(pdf) if ln.page > 1]
    split = [(a.text, b.text) for a, b in zip(small, small[1:])
             if re.search(r"\(\d{1,2}$|\(\d{1,2} [A-Z][a-z]{2}$", a.text) and re.match(r"^[A-Z][a-z]{2}|^\d{4}", b.text)]
    assert split == []


# ----------------------------------------------------------------------------- METRIX


@pytest.mark.parametrize("value", ["49,1", "−0,8", "7,25", "3,5 %", "88", "1.234,5", "US$ 4,7 Mrd.", "120 000",
                                   "Zweiundvierzigtausendsiebenhundert"])
def test_metrix_value_is_drawn_on_one_line(tmp_path, value):
    text = " ".join(["Der Wert beschreibt die Entwicklung der Einfuhren im dritten Quartal."] * 6)
    data = _base("de", "Kurz.", metrix={"value": value, "text": text})
    pdf = _build(tmp_path, "metrix", data)
    big = [ln for ln in flow.lines(pdf, min_size=16) if ln.page == 2]
    glyphs = [c for ln in big for c in ln.chars if c["text"].strip()]
    wanted = value.replace(" ", "")
    found = "".join(c["text"] for c in glyphs)
    assert wanted in found.replace("\u00a0", "")
    value_glyphs = [c for c in glyphs if c["size"] == max(g["size"] for g in glyphs)]
    assert len({round(c["matrix"][5], 1) for c in value_glyphs}) == 1, "the value is on one baseline"
    with __import__("pdfplumber").open(str(pdf)) as doc:
        width = doc.pages[1].width
    assert all(c["x1"] <= width - 10 for c in value_glyphs), "the value stays on the page"


# ----------------------------------------------------------------------------- headings


_TITLES = [
    "Medikamentenbeschaffung: Kostensenkungsprogramm der Krankenkassen",
    "Brüssel und Washington loten die transatlantische Zusammenarbeit neu aus",
    "Versorgungssicherheitsgesetz kommt",  # 226 pt of a 240 pt column: fits, barely
    "Mitgliedsstaaten streiten über Markenarzneimittelhersteller",
    "Neue Regeln für Exporte von Chips",  # greedy: "Neue Regeln für Exporte von" / "Chips"
    "Peking und Berlin vereinbaren neue Gespräche über Zölle auf Elektroautos aus China",
]


def test_headings_break_at_spaces_into_balanced_lines(tmp_path):
    topics = [{"title": t, "facts": "Die Fakten sind klar. " * 8, "outlook": "Der Ausblick bleibt offen. " * 6}
              for t in _TITLES]
    pdf = _build(tmp_path, "titles", _base("de", "Kurz.", topics=topics))
    headings = [ln for ln in flow.lines(pdf, min_size=14) if ln.page > 1 and 14 <= ln.size <= 16]
    assert headings, "titles are drawn at the title size"
    assert not [ln.text for ln in headings if ln.text.endswith("-") and not ln.text.endswith(" -")], \
        "no heading line ends in a hyphen when every word fits the column"
    # Balanced: consecutive lines of one heading (1.2 × size apart) differ by less than half a line.
    groups, current = [], [headings[0]]
    for a, b in zip(headings, headings[1:]):
        if b.page == a.page and b.column == a.column and 0 < b.top - a.top < 1.5 * b.size:
            current.append(b)
        else:
            groups.append(current)
            current = [b]
    groups.append(current)
    multi = [g for g in groups if len(g) > 1]
    assert multi, "some titles need two or more lines"
    for g in multi:
        widths = [ln.x1 - ln.x0 for ln in g]
        if any(len(ln.words) == 1 and ln.x1 - ln.x0 > 200 for ln in g):
            continue  # a word that fills the column alone leaves no choice ("…gesetz" / "kommt")
        # No short line of one or two words above or below longer ones.
        assert min(widths) >= 0.45 * max(widths), [ln.text for ln in g]


def test_a_heading_word_wider_than_the_column_breaks_with_fragments_of_four(tmp_path):
    word = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft"
    pdf = _build(tmp_path, "wide-title", _base("de", "Kurz.", topics=[{"title": word, "facts": "Ja.", "outlook": "Nein."}]))
    lines = [ln for ln in flow.lines(pdf, min_size=14) if ln.page > 1 and 14 <= ln.size <= 16]
    pieces = [ln.text for ln in lines if ln.text.rstrip("-") and word.startswith(ln.text.rstrip("-")[:4]) or
              ln.text.rstrip("-") in word]
    joined = "".join(p.rstrip("-") for p in pieces)
    assert word in joined
    assert all(len(p.rstrip("-")) >= 4 for p in pieces)


# ----------------------------------------------------------------------------- keep rules


def _imprint_brand(tmp_path: Path, people: int) -> Path:
    groups = [{"heading": f"Gruppe {g}", "people": [
        {"name": f"Person {g}-{i} Nachname", "role": f"Rolle für Themen {g}.{i} und Sonderaufgaben"}
        for i in range(people)]} for g in range(3)]
    brand = {"name": "Prüfhaus", "imprint": {"groups": groups, "publisher": {
        "name": "Prüfhaus Verlag GmbH", "address": ["Hafenstraße 1", "20457 Hamburg", "Deutschland"],
        "phone": "+49 40 000 000", "email": "redaktion@example.org", "web": "https://example.org"}}}
    path = tmp_path / "pruef.brand.yaml"
    path.write_text(yaml.safe_dump(brand, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("people", [2, 3, 4, 5])
def test_imprint_names_stay_with_roles_and_publisher_block_is_whole(tmp_path, people):
    _imprint_brand(tmp_path, people)
    pdf = _build(tmp_path, f"imprint{people}", _base("de", "Kurz.", brand="pruef.brand.yaml"))
    flow_lines = flow.lines(pdf)
    for i, ln in enumerate(flow_lines):
        if ln.text.startswith("Person "):
            after = flow_lines[i + 1]
            assert after.text.startswith("Rolle"), f"{ln.text!r} is followed by {after.text!r}"
            assert (after.page, after.column) == (ln.page, ln.column)
    block = [ln for ln in flow_lines if ln.text in ("Prüfhaus Verlag GmbH", "Hafenstraße 1", "20457 Hamburg",
                                                    "Deutschland") or ln.text.startswith("https://example.org")]
    assert len(block) == 5 and len({(ln.page, ln.column) for ln in block}) == 1


def test_section_band_is_followed_by_its_first_heading_in_the_same_column(tmp_path):
    topics = [{"title": f"Thema {i}", "facts": "Die Lage ist ernst. " * 30, "outlook": "Offen. " * 10}
              for i in range(3)]
    for lead in [1, *range(8, 40, 4)]:  # a one-line top story; then the topics band at many heights
        pdf = _build(tmp_path, f"band{lead}", _base("de", "Ein Satz zur Lage. " * lead, topics=topics))
        flow_lines = flow.lines(pdf)
        bands = [i for i, ln in enumerate(flow_lines) if ln.text.replace(" ", "") in ("THEMEN", "TOPTHEMA")]
        assert len(bands) == 2
        for i in bands:
            band, heading, first = flow_lines[i], flow_lines[i + 1], flow_lines[i + 2]
            assert heading.text.startswith(("Thema", "Ein Titel")), heading.text
            assert (heading.page, heading.column) == (band.page, band.column)
            assert (first.page, first.column) == (band.page, band.column)


def test_source_lists_keep_their_label_and_never_leave_one_item_alone(tmp_path):
    sources = [{"publisher": f"Quelle{i}", "title": f"Bericht {i}", "url": f"https://example.org/q/{i}"}
               for i in range(1, 8)]
    segments_seen = 0
    # The lists land at many heights, some across column breaks; without the rule, six
    # topics and a short lead leave "Quelle7" alone at the top of the next column.
    for count, lead in [(6, 4), (6, 14), (8, 9), (8, 29), (8, 34)]:
        topics = [{"title": f"Thema {t}", "facts": "Die Lage ist ernst. " * (2 + t % 3), "outlook": "Offen.",
                   "sources": sources} for t in range(count)]
        pdf = _build(tmp_path, f"list{count}-{lead}", _base("de", "Ein Satz zur Lage. " * lead, topics=topics))
        flow_lines = flow.lines(pdf)
        for i, ln in enumerate(flow_lines):
            if not ln.text.startswith("Medienberichte und Quellen"):
                continue
            items = [f for f in flow_lines[i + 1:i + 14] if f.text.startswith("Quelle")][:7]  # (footers between)
            assert [f.text.split(":")[0] for f in items] == [f"Quelle{k}" for k in range(1, 8)]
            where = [(ln.page, ln.column)] + [(f.page, f.column) for f in items]
            counts = {w: where[1:].count(w) for w in set(where[1:])}
            segments_seen += len(counts) > 1
            assert counts.get(where[0], 0) >= 2, "the label goes with at least two items"
            assert all(n >= 2 for n in counts.values()), f"a lone item across a break: {counts}"
    assert segments_seen, "some list crosses a column or page break, or the test proves nothing"
