"""The pydantic models: the contract's fields, types and validation."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from briefing_pdf.model import Article, Brand, Issue, Source, Topic, brand_schema, issue_schema

MINIMAL = {"date": "2025-01-30", "language": "en", "top_story": {"title": "T", "body": "B"}}


def issue(**over) -> dict:
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in MINIMAL.items()}
    data.update(over)
    return data


def errors(model, data) -> list[tuple[tuple, str]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [(e["loc"], e["type"]) for e in info.value.errors()]


def test_minimal_issue_is_valid():
    m = Issue.model_validate(issue())
    assert m.date == dt.date(2025, 1, 30)
    assert m.topics == [] and m.digest == [] and m.podcasts == [] and m.metrix is None and m.imprint is None


@pytest.mark.parametrize("loc,data", [
    (("outlok",), issue(outlok="x")),
    (("top_story", "summary"), issue(top_story={"title": "T", "body": "B", "summary": "x"})),
    (("topics", 0, "outlok"), issue(topics=[{"title": "T", "facts": "F", "outlook": "O", "outlok": "x"}])),
    (("top_story", "sources", 0, "link"),
     issue(top_story={"title": "T", "body": "B",
                      "sources": [{"publisher": "P", "title": "T", "url": "https://e.org/x", "link": "x"}]})),
    (("metrix", "unit"), issue(metrix={"value": "1", "text": "t", "unit": "%"})),
    (("imprint", "publisher", "fax"), issue(imprint={"publisher": {"name": "P", "fax": "1"}})),
])
def test_unknown_keys_are_forbidden_everywhere(loc, data):
    assert (loc, "extra_forbidden") in errors(Issue, data)


@pytest.mark.parametrize("missing", ["date", "language", "top_story"])
def test_required_issue_fields(missing):
    data = issue()
    del data[missing]
    assert ((missing,), "missing") in errors(Issue, data)


@pytest.mark.parametrize("model,data,field", [
    (Article, {"body": "B"}, "title"),
    (Article, {"title": "T"}, "body"),
    (Topic, {"title": "T", "outlook": "O"}, "facts"),
    (Topic, {"title": "T", "facts": "F"}, "outlook"),
    (Source, {"publisher": "P", "title": "T"}, "url"),
    (Brand, {}, "name"),
])
def test_required_nested_fields(model, data, field):
    assert ((field,), "missing") in errors(model, data)


@pytest.mark.parametrize("blank", ["", "   ", "\n"])
def test_blank_titles_and_texts_are_rejected(blank):
    assert errors(Issue, issue(top_story={"title": blank, "body": "B"}))
    assert errors(Issue, issue(top_story={"title": "T", "body": blank}))


@pytest.mark.parametrize("url", [
    "https://example.org", "http://example.org/a?b=1&c=2#frag", "HTTPS://EXAMPLE.ORG/X",
    "mailto:office@example.org", "https://sub.example.co.uk/path_(x)", "http://localhost:8000/x",
])
def test_valid_urls(url):
    s = Source(publisher="P", title="T", url=url)
    assert s.url == url


@pytest.mark.parametrize("url", [
    "ftp://example.org/x", "javascript:alert(1)", "example.org/page", "www.example.org",
    "https://", "https:///path", "https://exa mple.org", "mailto:", "mailto:nobody", "file:///etc/passwd",
    "data:text/html,hi",
])
def test_invalid_urls(url):
    with pytest.raises(ValidationError):
        Source(publisher="P", title="T", url=url)


def test_url_fields_everywhere_are_checked():
    bad = "ftp://example.org"
    assert errors(Issue, issue(metrix={"value": "1", "text": "t", "source": {"title": "AP", "url": bad}}))
    assert errors(Issue, issue(digest=[{"title": "D", "publisher": "P", "url": bad, "date": "2025-01-01",
                                         "text": "t"}]))
    assert errors(Issue, issue(podcasts=[{"title": "P", "url": bad, "text": "t"}]))
    assert errors(Issue, issue(imprint={"publisher": {"name": "P", "web": bad}}))


@pytest.mark.parametrize("value,expected", [(7, "7"), ("2026/7", "2026/7"), ("07", "07"), (2026, "2026")])
def test_number_accepts_int_and_str(value, expected):
    assert Issue.model_validate(issue(number=value)).number == expected


@pytest.mark.parametrize("value", [True, 7.5, ["7"], ""])
def test_number_rejects_other_types(value):
    assert errors(Issue, issue(number=value))


@pytest.mark.parametrize("lang", ["fr", "DE", "", None, "english"])
def test_language_is_de_or_en(lang):
    assert errors(Issue, issue(language=lang))


@pytest.mark.parametrize("date", ["2025-02-30", "30.01.2025", "tomorrow", "2025-13-01"])
def test_invalid_dates(date):
    assert errors(Issue, issue(date=date))


def test_digest_date_is_a_date():
    m = Issue.model_validate(issue(digest=[{"title": "D", "publisher": "P", "url": "https://e.org/x",
                                            "date": "2025-01-20", "text": "t"}]))
    assert m.digest[0].date == dt.date(2025, 1, 20)


def test_whitespace_is_stripped_from_strings():
    m = Issue.model_validate(issue(top_story={"title": "  Title \n", "body": "B"}))
    assert m.top_story.title == "Title"


def test_label_overrides_per_language():
    b = Brand.model_validate({"name": "Merics", "labels": {"de": {"digest": "MERICS CHINA DIGEST"},
                                                          "en": {"facts": "Key facts:"}}})
    assert b.labels["de"]["digest"] == "MERICS CHINA DIGEST"
    assert b.labels["en"]["facts"] == "Key facts:"


@pytest.mark.parametrize("labels", [
    {"fr": {"digest": "X"}},         # unsupported language
    {"de": {"digset": "X"}},         # unknown label key
    {"de": {"digest": ""}},          # blank label
    {"de": "MERICS"},                # not a mapping
])
def test_invalid_label_overrides(labels):
    assert errors(Brand, {"name": "X", "labels": labels})


def test_brand_colours():
    b = Brand.model_validate({"name": "X", "colors": {"primary": "#0e4a52"}})
    assert b.colors.primary == "#0E4A52"
    assert b.colors.accent == "#C8102E"  # default kept
    for bad in ("#abc", "0E4A52", "#GGGGGG", "red"):
        assert errors(Brand, {"name": "X", "colors": {"primary": bad}})
    assert errors(Brand, {"name": "X", "colors": {"primry": "#000000"}})


def test_brand_fonts_fields():
    b = Brand.model_validate({"name": "X", "fonts": {"regular": "a.ttf", "fallback": ["cjk.ttc"]}})
    assert b.fonts.fallback == ["cjk.ttc"]
    assert errors(Brand, {"name": "X", "fonts": {"regualr": "a.ttf"}})


def test_imprint_group_needs_people():
    assert errors(Issue, issue(imprint={"groups": [{"heading": "H", "people": []}], "publisher": {"name": "P"}}))


def test_models_are_frozen():
    m = Issue.model_validate(issue())
    with pytest.raises(ValidationError):
        m.language = "de"


def test_issue_schema():
    schema = issue_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert set(schema["required"]) == {"date", "language", "top_story"}
    assert schema["additionalProperties"] is False
    for name in ("Article", "Topic", "Source", "Metrix", "DigestItem", "Podcast", "Imprint"):
        assert schema["$defs"][name]["additionalProperties"] is False, name
    assert set(schema["properties"]) == {"series", "date", "language", "number", "brand", "top_story",
                                         "metrix", "topics", "digest", "podcasts", "imprint",
                                         "hyphenation"}


def test_brand_schema():
    schema = brand_schema()
    assert schema["required"] == ["name"]
    assert schema["additionalProperties"] is False


# --------------------------------------------------------------------------- house hyphenation


def test_hyphenation_lists_accept_words_of_any_script():
    entries = ["Deep-Seek", "OpenAI", "Zusammen-arbeit", "Šef-čovič", "Пу-тин"]
    assert Issue.model_validate(issue(hyphenation=entries)).hyphenation == entries
    assert Brand.model_validate({"name": "B", "hyphenation": entries}).hyphenation == entries
    assert Issue.model_validate(issue()).hyphenation == []


@pytest.mark.parametrize("entry", ["Deep Seek", "-Open", "GPT-", "Zusammen--arbeit", "R1-Modell",
                                   "2024", "", "Deep_Seek", "don't"])
def test_bad_hyphenation_entries_are_located(entry):
    assert errors(Issue, issue(hyphenation=["OpenAI", entry]))[0][0] == ("hyphenation", 1)
    assert errors(Brand, {"name": "B", "hyphenation": [entry]})[0][0] == ("hyphenation", 0)


def test_same_word_with_different_breaks_is_an_error():
    assert errors(Issue, issue(hyphenation=["Deep-Seek", "deepseek"])) == [(("hyphenation",), "value_error")]
    Issue.model_validate(issue(hyphenation=["Deep-Seek", "Deep-Seek"]))   # a repeat is harmless


def test_schemas_describe_the_hyphenation_lists():
    for schema in (issue_schema(), brand_schema()):
        prop = schema["properties"]["hyphenation"]
        assert prop["type"] == "array" and prop["items"]["type"] == "string"
        assert "Deep-Seek" in prop["description"]


def test_issue_list_extends_and_overrides_the_brand_list():
    from briefing_pdf.brand import house_hyphenation

    merged = house_hyphenation(["Deep-Seek", "OpenAI", "Mistral"], ["deepseek", "Zusammen-arbeit"])
    assert merged == ("deepseek", "OpenAI", "Mistral", "Zusammen-arbeit")


def test_empty_defaults_are_fresh_and_building_the_models_tokenizes_nothing():
    """List and dict defaults come from small Python factories: each model gets its
    own empty value, and building the models never parses a builtin's text
    signature (whose tokenizer compiles a large regex on first use)."""
    import subprocess
    import sys

    a, b = Issue.model_validate(issue()), Issue.model_validate(issue())
    a.topics.append("x")  # (no validation on append: only the identity matters)
    assert b.topics == [] and Brand.model_validate({"name": "N"}).labels == {}
    assert all(f.default_factory not in (list, dict) for model in (Issue, Brand, Article, Topic)
               for f in model.model_fields.values())
    code = "import tokenize, briefing_pdf.model\nprint(tokenize._compile.cache_info().misses)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "0", out.stderr[-2000:]
