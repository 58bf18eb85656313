"""The loader: YAML/JSON to models, with file:line:col and field paths."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from briefing_pdf.errors import BriefingError
from briefing_pdf.load import format_loc, load_brand, load_issue, parse_document, validate
from briefing_pdf.model import Issue

NESTED = """\
date: 2025-01-30
language: en
top_story:
  title: T
  body: B
topics:
  - title: A
    facts: F
    outlook: O
  - title: B
    facts: F
    outlok: O
    sources:
      - publisher: P
        title: T
        url: ftp://example.org/x
"""


def problems(text: str, name: str = "x.yaml") -> list:
    data, source = parse_document(text, name, is_json=name.endswith(".json"))
    with pytest.raises(BriefingError) as info:
        validate(data, Issue, source)
    return info.value.problems


def by_path(text: str, name: str = "x.yaml") -> dict:
    return {p.path: p for p in problems(text, name)}


def test_positions_of_nested_values():
    found = by_path(NESTED)
    url = found["topics[1].sources[0].url"]
    assert (url.file, url.line, url.column) == ("x.yaml", 16, 14)
    assert "http" in url.message and "ftp" in url.message


def test_unknown_key_is_reported_at_the_key_with_a_hint():
    p = by_path(NESTED)["topics[1].outlok"]
    assert (p.line, p.column) == (12, 5)
    assert "unknown key 'outlok'" in p.message and "did you mean 'outlook'" in p.message


def test_unknown_key_without_near_match_lists_the_keys():
    p = by_path("date: 2025-01-30\nlanguage: en\ntop_story: {title: T, body: B}\nzzz: 1\n")["zzz"]
    assert (p.line, p.column) == (4, 1)
    assert "expected one of" in p.message and "top_story" in p.message


def test_missing_field_points_at_its_parent():
    p = by_path(NESTED)["topics[1].outlook"]
    assert "required" in p.message
    assert p.line == 10  # the mapping of topics[1]


def test_all_problems_are_reported_in_file_order():
    ps = problems(NESTED)
    assert len(ps) == 3
    assert [(p.line, p.column) for p in ps] == sorted((p.line, p.column) for p in ps)


def test_problem_string_is_compiler_style():
    p = by_path(NESTED)["topics[1].sources[0].url"]
    assert str(p).startswith("x.yaml:16:14: topics[1].sources[0].url: ")


def test_json_positions():
    text = json.dumps({"date": "2025-01-30", "language": "fr",
                       "top_story": {"title": "T", "body": "B", "sourcs": []}}, indent=2)
    found = by_path(text, "x.json")
    assert (found["language"].line, found["language"].column) == (3, 15)
    assert "unsupported language 'fr'" in found["language"].message
    key = found["top_story.sourcs"]
    assert key.line == 7 and "did you mean 'sources'" in key.message


def test_json_syntax_error_has_position(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "date": "2025-01-30",\n  "language" "en"\n}\n', encoding="utf-8")
    with pytest.raises(BriefingError) as info:
        load_issue(path)
    p = info.value.problems[0]
    assert p.line == 3 and "JSON" in p.message


def test_json_file_loads(tmp_path):
    path = tmp_path / "i.json"
    path.write_text(json.dumps({"date": "2025-01-30", "language": "de",
                                "top_story": {"title": "T", "body": "B"}}), encoding="utf-8")
    loaded = load_issue(path)
    assert loaded.model.language == "de" and loaded.path == path


def test_yaml_syntax_error_has_position_and_hint():
    with pytest.raises(BriefingError) as info:
        parse_document("date: 2025-01-30\ntop_story:\n  title: Gas: the outlook\n", "x.yaml")
    p = info.value.problems[0]
    assert (p.line, p.column) == (3, 13)
    assert "quoted" in p.message


def test_tab_indentation_hint():
    with pytest.raises(BriefingError) as info:
        parse_document("top_story:\n\ttitle: T\n", "x.yaml")
    assert "tabs" in info.value.problems[0].message


def test_duplicate_keys_are_errors():
    with pytest.raises(BriefingError) as info:
        parse_document("date: 2025-01-30\nlanguage: en\nlanguage: de\n", "x.yaml")
    p = info.value.problems[0]
    assert p.line == 3 and "duplicate key 'language'" in p.message and "line 2" in p.message


def test_python_tags_are_refused():
    with pytest.raises(BriefingError) as info:
        parse_document("date: !!python/object/apply:os.system ['echo hi']\n", "x.yaml")
    assert "not allowed" in info.value.problems[0].message


def test_alias_bombs_are_refused_quickly():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 10) + "]")
    start = time.perf_counter()
    with pytest.raises(BriefingError) as info:
        parse_document("\n".join(lines) + "\n", "x.yaml")
    assert time.perf_counter() - start < 5
    assert "too large" in info.value.problems[0].message


def test_dates_stay_strings_until_validation():
    data, _ = parse_document("date: 2025-01-30\n", "x.yaml")
    assert data == {"date": "2025-01-30"}
    p = by_path("date: 2025-02-30\nlanguage: en\ntop_story: {title: T, body: B}\n")["date"]
    assert (p.line, p.column) == (1, 7) and "YYYY-MM-DD" in p.message


def test_quoted_numbers_and_plain_numbers():
    data, _ = parse_document('number: 7\nvalue: "49,1"\nflag: yes\nnothing: ~\n', "x.yaml")
    assert data == {"number": 7, "value": "49,1", "flag": True, "nothing": None}


def test_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "i.yaml"
    path.write_bytes(b"\xef\xbb\xbfdate: 2025-01-30\r\nlanguage: en\r\ntop_story:\r\n  title: T\r\n  body: B\r\n")
    assert load_issue(path).model.top_story.title == "T"


def test_not_utf8_reports_position(tmp_path):
    path = tmp_path / "i.yaml"
    path.write_bytes(b"date: 2025-01-30\nlanguage: en\ntitle: Stra\xdfe\n")
    with pytest.raises(BriefingError) as info:
        load_issue(path)
    p = info.value.problems[0]
    assert (p.line, p.column) == (3, 12) and "UTF-8" in p.message


@pytest.mark.parametrize("text,needle", [("", "empty"), ("- a\n- b\n", "top level"), ("just text\n", "top level")])
def test_wrong_top_level(text, needle):
    assert needle in problems(text)[0].message


def test_missing_file(tmp_path):
    with pytest.raises(BriefingError) as info:
        load_issue(tmp_path / "nope.yaml")
    assert "not found" in info.value.problems[0].message


def test_brand_positions(tmp_path):
    path = tmp_path / "b.brand.yaml"
    path.write_text("name: X\ncolors:\n  primary: blue\nlabels:\n  de:\n    digset: X\n", encoding="utf-8")
    with pytest.raises(BriefingError) as info:
        load_brand(path)
    found = {p.path: p for p in info.value.problems}
    assert (found["colors.primary"].line, found["colors.primary"].column) == (3, 12)
    assert found["labels.de.digset"].line == 6


def test_format_loc():
    assert format_loc(("topics", 1, "sources", 0, "url")) == "topics[1].sources[0].url"
    assert format_loc(()) == ""


def test_samples_load():
    root = Path(__file__).resolve().parents[1]
    for path in sorted((root / "issues").glob("*.yaml")):
        if path.name.endswith(".brand.yaml"):
            load_brand(path)
        else:
            load_issue(path)


def _doc_blocks() -> list[str]:
    import re

    text = (Path(__file__).resolve().parents[1] / "docs" / "format.md").read_text(encoding="utf-8")
    return re.findall(r"```yaml\n(.*?)```", text, re.S)


def test_docs_example_issue_validates(tmp_path):
    """The complete example in docs/format.md is a valid issue (and builds with the sample brand)."""
    from briefing_pdf.model import Brand

    blocks = _doc_blocks()
    issue = next(b for b in blocks if "top_story:" in b)
    data, source = parse_document(issue, "docs/format.md")
    model = validate(data, Issue, source)
    assert model.topics and model.digest and model.podcasts and model.metrix and model.imprint
    brand = next(b for b in blocks if b.lstrip().startswith("# yaml-language-server: $schema=../brand"))
    data, source = parse_document(brand, "docs/format.md")
    validate(data, Brand, source)
    # with the real sample brand the example passes every check (fonts, characters, links)
    root = Path(__file__).resolve().parents[1]
    if (root / "issues" / "northwind.brand.yaml").is_file():
        from briefing_pdf.pipeline import check

        path = tmp_path / "example.yaml"
        path.write_text(issue.replace("brand: northwind.brand.yaml",
                                      f"brand: {root / 'issues' / 'northwind.brand.yaml'}"), encoding="utf-8")
        check(path)
