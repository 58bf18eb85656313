"""Brands: the default brand, label overrides, localised dates, series, colours."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from briefing_pdf.brand import (
    LABELS, brand_for, long_date, make_theme, masthead_date, resolve_labels, short_date,
)
from briefing_pdf.errors import BriefingError
from briefing_pdf.load import load_issue
from briefing_pdf.model import Brand
from briefing_pdf.pipeline import check

from pdftools import collapse

ISSUE = "date: 2025-01-30\nlanguage: {lang}\n{extra}top_story:\n  title: T\n  body: B\n"


def write(folder: Path, lang: str = "en", extra: str = "", name: str = "issue.yaml") -> Path:
    path = folder / name
    path.write_text(ISSUE.format(lang=lang, extra=extra), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("date,lang,masthead,short", [
    (dt.date(2025, 1, 30), "de", "30. JANUAR 2025", "(30.01.2025)"),
    (dt.date(2025, 1, 30), "en", "30 JANUARY 2025", "(30 Jan 2025)"),
    (dt.date(2025, 1, 20), "de", "20. JANUAR 2025", "(20.01.2025)"),
    (dt.date(2025, 1, 20), "en", "20 JANUARY 2025", "(20 Jan 2025)"),
    (dt.date(2026, 3, 5), "de", "5. MÄRZ 2026", "(05.03.2026)"),
    (dt.date(2026, 3, 5), "en", "5 MARCH 2026", "(5 Mar 2026)"),
    (dt.date(2026, 12, 31), "de", "31. DEZEMBER 2026", "(31.12.2026)"),
])
def test_localised_dates(date, lang, masthead, short):
    assert masthead_date(date, lang) == masthead
    assert short_date(date, lang) == short


def test_long_dates():
    assert long_date(dt.date(2025, 1, 30), "de") == "30. Januar 2025"
    assert long_date(dt.date(2025, 1, 30), "en") == "30 January 2025"


def test_dates_in_the_pdf(builds):
    en, de = builds.get("mini-en"), builds.get("mini-de")
    assert "30 JANUARY 2025" in en.texts[0]
    assert "(20 Jan 2025)" in collapse(" ".join(en.texts[1:]))
    assert "30. JANUAR 2025" in de.texts[0]
    assert "(20.01.2025)" in collapse(" ".join(de.texts[1:]))


# --------------------------------------------------------------------------- labels


def test_built_in_labels_follow_the_contract():
    b = Brand(name="Merics")
    de, en = resolve_labels(b, "de"), resolve_labels(b, "en")
    assert (de["top_story"], en["top_story"]) == ("TOP THEMA", "TOP STORY")
    assert (de["topics"], en["topics"]) == ("THEMEN", "TOPICS")
    assert (de["facts"], en["facts"]) == ("Die Fakten:", "The facts:")
    assert (de["outlook"], en["outlook"]) == ("Der Blick nach vorn:", "Looking ahead:")
    assert (de["analysis"], en["analysis"]) == ("Merics-Analyse:", "Merics analysis:")
    assert (de["sources"], en["sources"]) == ("Medienberichte und Quellen:", "Media reports and sources:")
    assert (de["podcasts"], en["podcasts"]) == ("UNSERE NEUESTEN PODCASTS", "OUR LATEST PODCASTS")
    assert (de["contents"], en["contents"]) == ("INHALT", "CONTENTS")
    assert de["digest"] == en["digest"] == "MERICS DIGEST"
    assert (de["source"], en["source"]) == ("Quelle", "Source")
    assert set(LABELS["de"]) == set(LABELS["en"])


def test_label_overrides_apply_per_language():
    b = Brand(name="Merics", labels={"de": {"digest": "MERICS CHINA DIGEST", "facts": "Fakten:"}})
    assert resolve_labels(b, "de")["digest"] == "MERICS CHINA DIGEST"
    assert resolve_labels(b, "de")["facts"] == "Fakten:"
    assert resolve_labels(b, "en")["digest"] == "MERICS DIGEST"  # other language untouched
    assert resolve_labels(b, "en")["facts"] == "The facts:"


def test_label_override_may_use_the_name_placeholder():
    b = Brand(name="Merics", labels={"en": {"analysis": "{name} view:", "digest": "{NAME} NEWS"}})
    labels = resolve_labels(b, "en")
    assert labels["analysis"] == "Merics view:" and labels["digest"] == "MERICS NEWS"


def test_label_overrides_in_the_pdf(builds):
    de = builds.get("mini-de")  # brand tests/data/testhaus.brand.yaml
    text = collapse(" ".join(de.texts))
    assert "TESTHAUS KURZMELDUNGEN" in text and "Kurz gesagt:" in text
    assert "TESTHAUS DIGEST" not in text and "Die Fakten:" not in text
    assert "Der Blick nach vorn:" in text  # not overridden
    assert ("TESTHAUS KURZMELDUNGEN", 2) in de.contents


# --------------------------------------------------------------------------- default brand and imprint


def test_default_brand_without_brand_and_imprint(tmp_path):
    checked = check(write(tmp_path))
    theme = checked.theme
    assert theme.brand.name == "Kestrel"
    assert theme.imprint is not None and theme.imprint.publisher.name
    assert theme.series == theme.brand.series
    assert theme.colors.primary == "#1F3A5F" and theme.colors.accent == "#C8102E"


def test_default_brand_imprint_speaks_the_issue_language(tmp_path):
    de = check(write(tmp_path, lang="de", name="de.yaml")).theme.imprint
    en = check(write(tmp_path, lang="en", name="en.yaml")).theme.imprint
    assert [g.heading for g in de.groups] == ["Redaktion", "Satz"]
    assert de.publisher.address[-1] == "Deutschland"
    assert [g.heading for g in en.groups] == ["Editorial team", "Layout"]
    assert en.publisher.address[-1] == "Germany"


def test_default_brand_builds(builds):
    en = builds.get("mini-en")  # no brand:, no imprint:
    from pypdf import PdfReader

    assert PdfReader(str(en.pdf)).metadata.author == "Kestrel"
    text = collapse(" ".join(en.texts))
    assert "Kestrel Institute for Policy Studies" in text and "IMPRINT" in text


def test_no_imprint_anywhere_is_an_error(tmp_path):
    (tmp_path / "b.brand.yaml").write_text("name: B\n", encoding="utf-8")
    with pytest.raises(BriefingError) as info:
        check(write(tmp_path, extra="brand: b.brand.yaml\n"))
    assert any("imprint" in p.message for p in info.value.problems)


def test_issue_imprint_wins_over_the_brand(builds):
    de = builds.get("mini-de")
    assert de.theme.imprint.publisher.name == "Testhaus GmbH"


@pytest.mark.parametrize("issue_series,brand_series,expected", [
    ("Issue Series", "Brand Series", "Issue Series"),
    (None, "Brand Series", "Brand Series"),
    (None, None, "Housename"),
])
def test_series_precedence(tmp_path, issue_series, brand_series, expected):
    brand = "name: Housename\n" + (f"series: {brand_series}\n" if brand_series else "") + \
        "imprint:\n  publisher: {name: P}\n"
    (tmp_path / "b.brand.yaml").write_text(brand, encoding="utf-8")
    extra = "brand: b.brand.yaml\n" + (f"series: {issue_series}\n" if issue_series else "")
    assert check(write(tmp_path, extra=extra)).theme.series == expected


def test_brand_path_is_relative_to_the_issue(tmp_path):
    (tmp_path / "brands").mkdir()
    (tmp_path / "brands" / "x.brand.yaml").write_text("name: X\nimprint:\n  publisher: {name: P}\n",
                                                       encoding="utf-8")
    (tmp_path / "issues").mkdir()
    path = write(tmp_path / "issues", extra="brand: ../brands/x.brand.yaml\n")
    assert check(path).theme.brand.name == "X"


def test_cli_brand_overrides_the_issue(tmp_path):
    (tmp_path / "a.brand.yaml").write_text("name: A\nimprint:\n  publisher: {name: P}\n", encoding="utf-8")
    (tmp_path / "b.brand.yaml").write_text("name: B\nimprint:\n  publisher: {name: P}\n", encoding="utf-8")
    path = write(tmp_path, extra="brand: a.brand.yaml\n")
    assert check(path).theme.brand.name == "A"
    assert check(path, brand=tmp_path / "b.brand.yaml").theme.brand.name == "B"
    assert brand_for(load_issue(path), tmp_path / "b.brand.yaml").model.name == "B"


def test_missing_brand_file_is_reported_at_the_brand_key(tmp_path):
    with pytest.raises(BriefingError) as info:
        check(write(tmp_path, extra="brand: nope.brand.yaml\n"))
    p = info.value.problems[0]
    assert p.path == "brand" and p.line == 3 and "not found" in p.message


@pytest.mark.parametrize("logo,content,needle", [
    ("missing.svg", None, "not found"),
    ("logo.gif", b"GIF89a", "SVG or PNG"),
    ("logo.png", b"not a png", "not a PNG"),
    ("logo.svg", b"<html></html>", "not an SVG"),
])
def test_bad_logos(tmp_path, logo, content, needle):
    if content is not None:
        (tmp_path / logo).write_bytes(content)
    (tmp_path / "b.brand.yaml").write_text(f"name: B\nlogo: {logo}\nimprint:\n  publisher: {{name: P}}\n",
                                           encoding="utf-8")
    with pytest.raises(BriefingError) as info:
        check(write(tmp_path, extra="brand: b.brand.yaml\n"))
    p = info.value.problems[0]
    assert needle in p.message and p.path == "logo" and p.file.endswith("b.brand.yaml") and p.line == 2


def test_brand_colours_are_used(builds):
    """The brand's primary colour fills the masthead of the mini-de sample (#123456)."""
    import pikepdf

    de = builds.get("mini-de")
    want = tuple(round(c / 255, 3) for c in (0x12, 0x34, 0x56))
    with pikepdf.open(de.pdf) as pdf:
        fills = {tuple(round(float(v), 3) for v in ops) for ops, op in pikepdf.parse_content_stream(pdf.pages[0])
                 if str(op) == "rg"}
    assert want in fills


def test_sample_brand_is_valid():
    root = Path(__file__).resolve().parents[1]
    for path in (root / "issues").glob("*.brand.yaml"):
        from briefing_pdf.load import load_brand

        brand = load_brand(path)
        theme = make_theme(load_issue(next(p for p in (root / "issues").glob("*.yaml")
                                           if not p.name.endswith(".brand.yaml"))).model, brand)
        assert theme.fonts.fallback
