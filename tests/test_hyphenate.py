"""Hyphenation policy tests."""
from pathlib import Path

import pytest
from freshproc import fresh_python

from briefing_pdf.hyphenate import (EXPLICIT, HYPHEN, NOHYPHEN, URLCHAR, Hyphenator,
                                    break_points, get_hyphenator)


@pytest.fixture(scope="module")
def de():
    return get_hyphenator("de")


@pytest.fixture(scope="module")
def en():
    return get_hyphenator("en")


def split(token, h, **kw):
    text, pts = break_points(token, h, **kw)
    out, last = [], 0
    for p, _ in pts:
        out.append(text[last:p])
        last = p
    out.append(text[last:])
    return out, [k for _, k in pts]


def test_plain_german_word(de):
    parts, kinds = split("Exportbeschränkungen", de)
    assert "".join(parts) == "Exportbeschränkungen"
    assert len(parts) >= 3 and set(kinds) == {HYPHEN}


def test_min_fragment_lengths(de):
    for word in ["Medikamente", "Exportbeschränkungen", "Rechenzentren", "Handelsstreit"]:
        parts, _ = split(word, de)
        assert len(parts[0]) >= 2 and len(parts[-1]) >= 3, parts


def test_no_split_inside_sch(de):
    parts, _ = split("fortschrittlicher", de)
    assert "forts" not in parts and not any(p.startswith("chritt") for p in parts)


def test_short_words_not_hyphenated(de):
    assert split("Hallo", de)[1] == []


def test_digits_not_hyphenated(de):
    assert split("Modell2024", de)[1] == []
    parts, kinds = split("R1-Modell", de)
    assert parts == ["R1-", "Modell"] and kinds == [EXPLICIT]


def test_existing_hyphen_only_breaks_at_hyphen(de):
    parts, kinds = split("Europe-US-China", de)
    assert parts == ["Europe-", "US-", "China"]
    assert kinds == [EXPLICIT, EXPLICIT]
    parts, kinds = split("Mathematik-Benchmarks", de)
    assert parts == ["Mathematik-", "Benchmarks"] and kinds == [EXPLICIT]


def test_all_caps_and_camelcase_not_hyphenated(de):
    assert split("BUNDESREGIERUNG", de)[1] == []
    assert split("DeepSeekModel", de)[1] == []


def test_german_quotes_and_punctuation(de):
    parts, kinds = split("„Gegenmaßnahmen“", de)
    assert "".join(parts) == "„Gegenmaßnahmen“"
    assert kinds and set(kinds) == {HYPHEN}
    assert parts[0].startswith("„") and len(parts[0]) >= 3
    assert parts[-1].endswith("“") and len(parts[-1]) >= 4
    parts, kinds = split("Belastungen“,", de)
    assert kinds and "".join(parts) == "Belastungen“,"
    parts, _ = split("(Exportbeschränkungen).", de)
    assert parts[-1].endswith(").")


def test_url_breaks_without_hyphen(de):
    url = "https://digital-strategy.ec.europa.eu/de/policies/regulatory-framework-ai"
    parts, kinds = split(url, de)
    assert "".join(parts) == url
    assert HYPHEN not in kinds and EXPLICIT not in kinds
    assert NOHYPHEN in kinds
    assert parts[0].startswith("https://") and len(parts[0]) > len("https://")
    assert "de/" in parts


def test_email_not_broken(de):
    assert split("redaktion@example.org", de)[1] == []


def test_long_cjk_text_breaks_between_chars(de):
    parts, kinds = split("商务部和工业和信息化部", de)
    assert parts == list("商务部和工业和信息化部") and set(kinds) == {NOHYPHEN}
    parts, kinds = split("（商务部和工业和信息化部）", de)
    assert parts[0] == "（商" and parts[-1] == "部）"  # kinsoku: brackets stay with their character


@pytest.mark.parametrize("name", ["王文涛", "(深度求素)", "(秋田)", "(이재명)", "(田中美咲)", "(ラピダス)", "（三菱商事）",
                                  "SK하이닉스"])
def test_short_cjk_runs_stay_whole(name, de):
    """A name or term of up to six CJK characters is one unbreakable word."""
    assert split(name, de) == ([name], [])


def test_cjk_run_of_seven_breaks(de):
    assert len(split("(一二三四五六七)", de)[0]) == 7


def test_soft_hyphens_override(de):
    text, pts = break_points("Ab\xadkom\xadmen", de)
    assert text == "Abkommen"
    assert [p for p, _ in pts] == [2, 5]


def test_english(en):
    parts, kinds = split("hyphenation", en)
    assert len(parts) >= 2 and set(kinds) == {HYPHEN}


def test_no_auto_when_disallowed(de):
    assert split("Exportbeschränkungen", de, allow_auto=False)[1] == []
    assert split("Exportbeschränkungen", None)[1] == []


def test_memoised_and_shared(de):
    assert get_hyphenator("de") is de
    assert de.positions("Rechenzentren") is de.positions("Rechenzentren")
    h2 = Hyphenator("de")
    assert h2.positions("Rechenzentren") == de.positions("Rechenzentren")


def test_exceptions():
    h = Hyphenator("de", exceptions={"Medikamente": "Me-di-ka-men-te"})
    assert h.hyphenate("Medikamente") == "Me-di-ka-men-te"


def test_unknown_language():
    with pytest.raises(ValueError):
        Hyphenator("xx")


# --------------------------------------------------------------------------- TeX patterns


@pytest.mark.parametrize("word,points", [
    ("Zusammenarbeit", "Zu-sam-men-ar-beit"),
    ("Mitgliedstaaten", "Mit-glied-staa-ten"),
    ("Markenarzneimittelhersteller", "Mar-ken-arz-nei-mit-tel-her-stel-ler"),
    ("Deutschland", "Deutsch-land"),
    ("fortschrittlicher", "fort-schritt-li-cher"),
    ("Hochleistungschips", "Hoch-leis-tungs-chips"),   # s|ch across a compound is right
])
def test_german_points_are_the_trennmuster_ones(de, word, points):
    assert de.hyphenate(word) == points


@pytest.mark.parametrize("word,wrong", [
    ("Zusammenarbeit", "Zusamme-narbeit"), ("Mitgliedsstaaten", "Mitgliedss-taaten"),
    ("Markenarzneimittelhersteller", "Marke-narzneimittelhersteller"),
    ("nutzerorientierte", "nutze-norientierte"), ("Deutschland", "Deut-schland"),
    ("Europa", "Eur-opa"), ("fortschrittlicher", "forts-chrittlicher"),
])
def test_pyphens_bad_german_points_are_gone(de, word, wrong):
    assert wrong.index("-") not in de.positions(word)


def test_english_points_are_the_tex_ones(en):
    assert en.hyphenate("Japanese") == "Japan-ese"      # not Ja-panese
    assert en.hyphenate("hyphenation") == "hy-phen-ation"
    assert en.hyphenate("associate") == "as-so-ciate"    # from Knuth's exception list
    assert en.positions("project") == ()                 # exception: never


def test_dictionaries_come_from_the_package():
    from briefing_pdf.hyphenate import dictionary_path

    for lang in ("de", "en"):
        path = dictionary_path(lang)
        assert path.parent.name == "hyph" and path.is_file()
        assert path.read_text(encoding="utf-8").splitlines()[0] == "UTF-8"


def test_parsed_patterns_come_from_the_disk_cache(tmp_path, monkeypatch):
    """A second load reads the pickled flat trie instead of parsing the .dic."""
    import pyphen

    from briefing_pdf import hyphenate

    monkeypatch.setenv("BRIEFING_PDF_CACHE", str(tmp_path))
    path = hyphenate.dictionary_path("de")
    first = hyphenate._compile_patterns(path)
    assert list(tmp_path.glob("hyph-*")), "compiled table not stored"

    def no_parsing(self, path):
        raise AssertionError("parsed again")

    monkeypatch.setattr(pyphen.HyphDict, "__init__", no_parsing)
    again = hyphenate._compile_patterns(path)
    assert again.nodes == first.nodes and again.maxlen == first.maxlen


def test_flat_trie_holds_every_pattern_and_every_prefix():
    import pyphen

    from briefing_pdf import hyphenate

    hd = pyphen.HyphDict(hyphenate.dictionary_path("en"))
    table = hyphenate.Patterns.from_pyphen(hd.patterns, hd.maxlen)
    for key, (offset, values) in hd.patterns.items():
        assert table.nodes[key] == (offset, tuple(int(v) for v in values))
        assert all(key[:i] in table.nodes for i in range(1, len(key)))
    prefixes = {key[:i] for key in hd.patterns for i in range(1, len(key) + 1)}
    assert set(table.nodes) == prefixes
    assert all(table.nodes[k] == 0 for k in prefixes - set(hd.patterns))


def test_only_the_languages_used_are_loaded():
    """A German issue's build never loads the English patterns (and vice versa)."""
    issue = Path(__file__).parent.parent / "issues" / "de-2026-11-lieferketten.yaml"
    code = ("import sys, tempfile, pathlib; from briefing_pdf import hyphenate, pipeline; "
            "out = pathlib.Path(tempfile.mkdtemp()) / 'x.pdf'; "
            f"pipeline.build({str(issue)!r}, out); print(sorted(hyphenate._PYPHEN))")
    stdout = fresh_python(code, timeout=180)
    assert stdout.split() == ["['de_DE']"]


# --------------------------------------------------------------------------- names, foreign words


def test_word_classes(de, en):
    assert de.word_class("Deutschland") == "word"          # German nouns are capitalised
    assert de.word_class("„Šefčovič“,") == "name"          # letters outside a–z äöüß
    assert de.word_class("Путин") == "name"
    assert en.word_class("Hokkaido") == "name"
    assert en.word_class("Hokkaido", sentence_start=True) == "word"
    assert en.word_class("München") == "name"              # ü is not English
    assert en.word_class("hyphenation") == "word"


def test_foreign_letters_are_found_character_by_character(de, en):
    """A word is foreign when one of its letters, lower-cased on its own, is not
    the language's; the whole-word shortcut must agree, also for letters whose
    lower case is special (İ, Kelvin sign, final sigma, ligatures)."""
    special = "İıſKÅẞﬁǅǈΣςσΩ\u0307"
    letters = [chr(c) for c in range(0x20, 0x250)] + list(special)
    for h in (de, en):
        for ch in letters:
            for word in (f"Ha{ch}us", f"{ch}x"):
                foreign = any(c.isalpha() and c.lower() not in h.alphabet for c in word)
                assert (h.word_class(word, sentence_start=True) == "name") == foreign, (word, h.lang)


def test_house_exceptions_override_every_rule():
    h = get_hyphenator("en", ("Deep-Seek", "OpenAI", "Zusammen-arbeit"))
    assert h.hyphenate("DeepSeek") == "Deep-Seek"          # CamelCase otherwise stays whole
    assert h.hyphenate("deepseek") == "deep-seek"          # case-insensitive
    assert h.positions("DeepSeek’s") == (4,)               # possessive follows its word
    assert h.positions("OpenAI") == ()
    assert h.word_class("DeepSeek,") == "exception"        # not a name, though capitalised
    parts, kinds = split("(DeepSeek).", h)
    assert parts == ["(Deep", "Seek)."] and kinds == [HYPHEN]
    assert get_hyphenator("en").positions("DeepSeek") == ()   # other issues unaffected
    assert get_hyphenator("en", ("Deep-Seek",)) is not get_hyphenator("en", ("DeepSeek",))


def test_pruned_pattern_scan_gives_pyphens_points():
    """hyphenate._scan stops at substrings that start no pattern; the points must not change."""
    import re

    import pyphen

    from briefing_pdf import hyphenate

    text = "".join(p.read_text(encoding="utf-8") for p in (Path(__file__).parent.parent / "issues").glob("*.yaml"))
    words = set(re.findall(r"\w+", text)) | {"Lieferkettengesetz", "Schifffahrt", "a", "", "ÄÖÜß", "x1y2"}
    for lang in ("de", "en"):
        hd = pyphen.HyphDict(hyphenate.dictionary_path(lang))  # pyphen's own parse and scan
        patterns = hyphenate._load(lang)[0]
        for word in words:
            assert hyphenate._scan(patterns, word) == [int(p) for p in hd.positions(word)], (lang, word)
