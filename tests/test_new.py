"""``briefing-pdf new`` and ``new-brand``: starters that fail until filled in (issue 10)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from briefing_pdf.cli import app
from briefing_pdf.errors import BriefingError
from briefing_pdf.load import parse_document
from briefing_pdf.model import brand_schema, issue_schema
from briefing_pdf.pipeline import check, check_brand

FILLERS = {"url": "https://example.org/a", "web": "https://example.org/", "email": "office@example.org"}


def fill(text: str) -> str:
    """Replace every "" placeholder as an editor would, by what its key asks for."""
    def one(match: re.Match) -> str:
        return f'{match.group(1)}: "{FILLERS.get(match.group(1), "Filled in")}"'
    text = re.sub(r'(\w+): ""', one, text)
    return text.replace('[""]', '["Street 1"]')


def schema_errors(path: Path, schema: dict) -> list:
    data = parse_document(path.read_text("utf-8"), path.name)[0]
    return list(jsonschema.Draft202012Validator(schema).iter_errors(data))


def run(*args: str):
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("language", ["en", "de"])
def test_new_issue_fails_until_filled_in(tmp_path, monkeypatch, language):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "issue.schema.json").write_text("{}")
    code, stdout, _ = run("new", "issues/x.yaml", "--language", language)
    assert code == 0 and "issues/x.yaml" in stdout
    path = tmp_path / "issues" / "x.yaml"
    text = path.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../issue.schema.json\n")
    data = yaml.safe_load(text)
    assert data["language"] == language and data["date"] == dt.date.today()
    with pytest.raises(BriefingError) as info:
        check(path)
    messages = {p.message for p in info.value.problems}
    assert "must not be empty" in messages and all(p.line for p in info.value.problems)
    assert schema_errors(path, issue_schema())  # the editor flags the placeholders too
    path.write_text(fill(text), "utf-8")
    checked = check(path, strict=True)  # valid, and with its own imprint: no warning
    assert checked.warnings == []
    assert schema_errors(path, issue_schema()) == []


def test_new_brand_and_an_issue_that_uses_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("new-brand", "issues/house.brand.yaml")[0] == 0
    brand = tmp_path / "issues" / "house.brand.yaml"
    with pytest.raises(BriefingError):
        check_brand(brand)
    assert schema_errors(brand, brand_schema())
    brand.write_text(fill(brand.read_text("utf-8")), "utf-8")
    check_brand(brand)
    assert schema_errors(brand, brand_schema()) == []
    assert run("new", "issues/y.yaml", "--brand", "issues/house.brand.yaml")[0] == 0
    issue = tmp_path / "issues" / "y.yaml"
    assert "brand: house.brand.yaml\n" in issue.read_text("utf-8")
    assert "imprint:" not in issue.read_text("utf-8")  # the brand's imprint is used
    issue.write_text(fill(issue.read_text("utf-8")), "utf-8")
    assert check(issue, strict=True).theme.brand.name == "Filled in"


def test_new_refuses_to_overwrite_and_bad_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("x.yaml").write_text("keep me")
    assert run("new", "x.yaml") == (2, "", "x.yaml: file exists; choose another name (or --force to overwrite)\n")
    assert Path("x.yaml").read_text() == "keep me"
    assert run("new", "x.txt")[0] == 2
    assert run("new", "y.yaml", "--language", "fr")[0] == 2
    assert run("new-brand", "house.yaml")[0] == 2
    assert run("new", "z.yaml", "--brand", "missing.brand.yaml")[0] == 2
    assert not Path("y.yaml").exists() and not Path("z.yaml").exists()
