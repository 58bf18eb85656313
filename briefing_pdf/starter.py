"""Starting files for ``briefing-pdf new`` and ``new-brand``.

A starter is a commented, well-formed file with the schema modeline and
today's date whose placeholders are empty strings (``""``): it fails
validation ("must not be empty") until a person has written every one, so a
half-filled starter can never be built by accident.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .errors import BriefingError

_ISSUE = {
    "en": """\
# yaml-language-server: $schema={schema}
# A new briefing issue. Replace every "" with your text; `briefing-pdf validate {name}`
# lists the ones still empty. Quote text that starts with # & * ! @ or a quote, and
# values such as yes/no or numbers ("12.4"). docs/format.md describes every field.
date: {date}
language: en
{brand}# number: "1"                  # optional: issue number or label

top_story:
  title: ""                       # the headline
  body: ""                        # paragraphs; for several lines write body: | and indent them
  # analysis: Expert view; mark the expert's name **bold**.
  sources:
    - publisher: ""
      title: ""
      url: ""                     # https://…

topics:
  - title: ""
    facts: ""                     # set after "The facts:"
    outlook: ""                   # set after "Looking ahead:"
{imprint}""",
    "de": """\
# yaml-language-server: $schema={schema}
# Eine neue Briefing-Ausgabe. Ersetzen Sie jedes "" durch Ihren Text; `briefing-pdf validate {name}`
# zeigt, welche noch leer sind. Text, der mit # & * ! @ oder einem Anführungszeichen beginnt,
# und Werte wie yes/no oder Zahlen ("12,4") in Anführungszeichen setzen. Siehe docs/format.md.
date: {date}
language: de
{brand}# number: "1"                  # optional: Ausgabennummer

top_story:
  title: ""                       # die Überschrift
  body: ""                        # Absätze; für mehrere Zeilen body: | schreiben und einrücken
  # analysis: Einschätzung; den Namen der Expertin **fett** setzen.
  sources:
    - publisher: ""
      title: ""
      url: ""                     # https://…

topics:
  - title: ""
    facts: ""                     # nach „Die Fakten:“
    outlook: ""                   # nach „Der Blick nach vorn:“
{imprint}""",
}

_IMPRINT = """
# The imprint (without one, the built-in fictional placeholder is printed, with a warning):
imprint:
  publisher:
    name: ""
    address: [""]
    email: ""                     # office@example.org
    web: ""                       # https://…
  groups:
    - heading: ""                 # e.g. Editorial team
      people:
        - {name: ""}              # optional: role: …
"""

_BRAND = """\
# yaml-language-server: $schema={schema}
# A new brand file. Replace every "" with your text; `briefing-pdf validate {name}` lists the
# ones still empty. Paths are relative to this file. docs/format.md describes every field.
name: ""                          # the house's name
series: ""                        # default series title of its issues
colors:                           # quote colours: an unquoted # starts a YAML comment
  primary: "#1F3A5F"
  accent: "#C8102E"
  text: "#1A1A1A"
  muted: "#5E6B78"
# logo: logo.svg                  # SVG or PNG, about 5:1 (width to height)
# logo_alt: ""                    # what the logo says, for screen readers
# fonts:                          # TrueType fonts; default: the shipped Noto fonts
#   regular: fonts/Serif-Regular.ttf
#   fallback: [fonts/NotoSansCJK.ttc]
imprint:
  publisher:
    name: ""
    address: [""]
    email: ""                     # office@example.org
    web: ""                       # https://…
  groups:
    - heading: ""                 # e.g. Editorial team
      people:
        - {name: ""}              # optional: role: …
"""


def _fill(template: str, **values: str) -> str:
    """``{key}`` replaced by its value (not str.format: the YAML has braces)."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _schema_ref(target: Path, schema_name: str) -> str:
    """The schema modeline's path: the nearest ``schema_name`` in the target's
    folder or above it, relative to the target; else ``../schema_name``."""
    folder = target.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / schema_name).is_file():
            return Path(os.path.relpath(candidate / schema_name, folder)).as_posix()
    return f"../{schema_name}"


def _write_new(target: Path, text: str, force: bool) -> None:
    if target.suffix.lower() not in (".yaml", ".yml"):
        raise BriefingError.single("the new file must end in .yaml", file=str(target), kind="usage")
    if target.exists() and not force:
        raise BriefingError.single("file exists; choose another name (or --force to overwrite)",
                                   file=str(target), kind="usage")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BriefingError.single(f"cannot write the file: {exc.strerror}", file=str(target)) from None


def new_issue(target: Path, language: str = "en", brand: Path | None = None,
              today: dt.date | None = None, force: bool = False) -> str:
    """Write a starting issue; returns the schema path used in its modeline."""
    if language not in _ISSUE:
        raise BriefingError.single(f"--language: expected 'de' or 'en', got '{language}'", kind="usage")
    brand_line = ""
    if brand is not None:
        if not brand.is_file():
            raise BriefingError.single("brand file not found", file=str(brand), kind="usage")
        relative = Path(os.path.relpath(brand.resolve(), target.resolve().parent)).as_posix()
        brand_line = f"brand: {relative}\n"
    schema = _schema_ref(target, "issue.schema.json")
    text = _fill(_ISSUE[language], schema=schema, name=target.as_posix(), date=(today or dt.date.today()).isoformat(),
                 brand=brand_line, imprint="" if brand is not None else _IMPRINT)
    _write_new(target, text, force)
    return schema


def new_brand(target: Path, force: bool = False) -> str:
    """Write a starting brand file; returns the schema path used in its modeline."""
    if not target.name.endswith(".brand.yaml"):
        raise BriefingError.single("a brand file's name must end in .brand.yaml (e.g. house.brand.yaml)",
                                   file=str(target), kind="usage")
    schema = _schema_ref(target, "brand.schema.json")
    _write_new(target, _fill(_BRAND, schema=schema, name=target.as_posix()), force)
    return schema
