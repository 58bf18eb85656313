"""The JSON Schema agrees with the tool (issue 10).

Editors check issue and brand files against ``issue.schema.json`` and
``brand.schema.json`` while one types. Those files are generated from the
models (``make schema``); these tests keep them current, check that every
field is documented, and that the schema accepts what the tool accepts and
rejects what the tool rejects for type, emptiness or pattern, except the
differences listed (and explained in docs/format.md).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from briefing_pdf.load import BriefingError
from briefing_pdf.model import brand_schema, issue_schema

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "cases" / "bad"
VALID = ROOT / "tests" / "cases" / "valid"

#: Messages of problems a JSON Schema can see (type, emptiness, pattern, keys).
SCHEMA_KINDS = re.compile(r"expected text|must not be empty|expected a colour|expected an http|expected a date|"
                          r"unknown key|required field is missing|expected a list|expected a mapping|"
                          r"unsupported language|expected an e-mail")

#: Cases the tool rejects for such a reason but a schema cannot, and why.
KNOWN_DIFFERENCES = {
    "url-javascript-markup": "links inside text fields ([label](url)) are markup, which a schema cannot parse",
}


def _validator(schema: dict) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


ISSUE = _validator(issue_schema())
BRAND = _validator(brand_schema())


class _EditorLoader(yaml.SafeLoader):
    """YAML 1.1 as an editor set to 1.1 reads it: dates stay text, nothing else is refused."""


_EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _data(path: Path):
    """The document as an editor's language server sees it (YAML 1.1, dates as text)."""
    text = path.read_text("utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    try:
        return yaml.load(text, Loader=_EditorLoader)
    except yaml.YAMLError:
        raise BriefingError.single("not YAML the editor can read", file=path.name) from None


def _errors(path: Path) -> list[str]:
    data = _data(path)
    validator = BRAND if path.name.endswith(".brand.yaml") else ISSUE
    errors = [e.message for e in validator.iter_errors(data)]
    if isinstance(data, dict) and isinstance(data.get("brand"), str) and (path.parent / data["brand"]).is_file():
        try:
            errors += _errors(path.parent / data["brand"])
        except BriefingError:
            pass
    return errors


def test_shipped_schemas_are_current():
    """issue.schema.json and brand.schema.json are what `briefing-pdf schema` prints (run `make schema`)."""
    assert json.loads((ROOT / "issue.schema.json").read_text("utf-8")) == issue_schema()
    assert json.loads((ROOT / "brand.schema.json").read_text("utf-8")) == brand_schema()


@pytest.mark.parametrize("schema", [issue_schema(), brand_schema()], ids=["issue", "brand"])
def test_every_field_has_a_description_and_an_example(schema):
    models = [("root", schema)] + list(schema["$defs"].items())
    undocumented = [f"{name}.{key}" for name, model in models for key, prop in model.get("properties", {}).items()
                    if not prop.get("description") or not prop.get("examples")]
    assert not undocumented


def test_examples_are_valid_values():
    """The example of each scalar field passes the field's own schema."""
    for schema in (issue_schema(), brand_schema()):
        models = [("root", schema)] + list(schema["$defs"].items())
        for name, model in models:
            for key, prop in model.get("properties", {}).items():
                if "$ref" in json.dumps(prop):
                    continue
                sub = dict(prop, **{"$defs": schema["$defs"]})
                for example in prop["examples"]:
                    assert not list(_validator(sub).iter_errors(example)), f"{name}.{key}: {example!r}"


SAMPLES = sorted((ROOT / "issues").glob("*.yaml")) + sorted(VALID.glob("*.yaml")) + sorted(VALID.glob("*.json"))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_samples_pass_the_schema(path):
    assert _errors(path) == []


def test_schema_enforces_what_the_tool_enforces():
    assert not list(ISSUE.iter_errors({"date": "2026-03-12", "language": "en", "number": 42,
                                       "top_story": {"title": "x", "body": "y"}}))  # the tool accepts it
    rejected = [
        {"top_story": {"title": "", "body": "y"}},
        {"top_story": {"title": "   ", "body": "y"}},
        {"top_story": {"title": True, "body": "y"}},
        {"top_story": {"title": "x", "body": "y", "sources": [{"publisher": "p", "title": "t",
                                                                   "url": "example.org/x"}]}},
        {"top_story": {"title": "x", "body": "y", "sources": [{"publisher": "p", "title": "t",
                                                                   "url": "javascript:alert(1)"}]}},
        {"date": "2026-02-30"},
    ]
    for change in rejected:
        doc = {"date": "2026-03-12", "language": "en", "top_story": {"title": "x", "body": "y"}, **change}
        assert list(ISSUE.iter_errors(doc)), change
    assert list(BRAND.iter_errors({"name": "x", "colors": {"primary": "orange"}}))
    assert list(BRAND.iter_errors({"name": "x", "colors": {"primary": None}}))
    assert not list(BRAND.iter_errors({"name": "x", "colors": {"primary": "#0b2e4f"}}))


def _cases() -> list[Path]:
    out = []
    for expected in sorted(BAD.glob("*.expected")):
        head, _, body = expected.read_text("utf-8").partition("\n---\n")
        meta = dict(line.split(":", 1) for line in head.splitlines() if ":" in line and not line.startswith("#"))
        source = BAD / meta.get("input", f"{expected.stem}.yaml").strip()
        if SCHEMA_KINDS.search(body) and source.is_file():
            out.append(source)
    return out


@pytest.mark.parametrize("path", _cases(), ids=lambda p: p.stem)
def test_bad_cases_fail_the_schema_too(path):
    """Every corpus case rejected for type, emptiness, pattern or keys fails the schema as well."""
    if path.stem in KNOWN_DIFFERENCES:
        pytest.skip(KNOWN_DIFFERENCES[path.stem])
    try:
        errors = _errors(path)
    except BriefingError:
        pytest.skip("not a YAML document the schema could see")
    assert errors, f"{path.name}: the tool rejects it, the schema accepts it"
