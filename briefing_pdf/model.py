"""What a briefing issue and a brand are: the pydantic models of the contract.

These models are the single source of truth for the input format: the loader
validates against them, ``briefing-pdf schema`` exports their JSON Schema and
the layout reads them. Unknown keys are forbidden everywhere, so a typo such as
``outlok`` is an error instead of silently missing text.

Text fields hold the inline markup of the contract (``**bold**``,
``*italic*``, ``[label](url)``); they stay plain ``str`` here and are parsed by
:mod:`briefing_pdf.text`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, Optional

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

Language = Literal["de", "en"]
LANGUAGES: tuple[str, ...] = ("de", "en")

#: The labels a brand may override, per language.
LabelKey = Literal[
    "contents", "top_story", "metrix", "topics", "facts", "outlook", "analysis",
    "sources", "source", "digest", "podcasts", "imprint", "publisher", "phone",
    "email", "web", "page",
]

_URL_RE = re.compile(r"^(https?://[^\s/?#]+\.[^\s/?#]*[^\s]*|https?://localhost[^\s]*|mailto:[^\s@]+@[^\s@]+)$",
                     re.IGNORECASE)
_COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _check_url(value: str) -> str:
    value = value.strip()
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme not in ("http", "https", "mailto"):
        shown = f"'{scheme}:'" if scheme else "no scheme"
        raise ValueError(f"expected an http://, https:// or mailto: URL, got {shown} in '{value}'")
    bad = sorted({ch for ch in value if ch in '"<>\\{}|^`' or ch.isspace()})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad)
        raise ValueError(f"URL contains characters that are not allowed in a URL ({shown}); "
                         f"percent-encode them (e.g. %22 for a quote) in '{value}'")
    if not _URL_RE.match(value):
        raise ValueError(f"expected a complete URL such as https://example.org/page, got '{value}'")
    return value


def _check_email(value: str) -> str:
    value = value.strip()
    if not re.fullmatch(r"[^@\s\"<>]+@[^@\s\"<>]+\.[^@\s\"<>]+", value):
        raise ValueError(f"expected an e-mail address such as office@example.org, got '{value}'")
    return value


def _check_color(value: str) -> str:
    if not _COLOR_RE.match(value):
        raise ValueError(f"expected a colour as #RRGGBB, got '{value}'")
    return value.upper()


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _number_to_str(value: object) -> object:
    # `number: 7` in YAML is an int; an issue number is a label, so accept it.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _check_hyphenation_entry(value: str) -> str:
    """One house hyphenation entry: a single word of letters (any script)
    with optional ``-`` marks at the allowed breaks."""
    value = value.strip()
    word = value.replace("-", "")
    if not word.isalpha():
        raise ValueError("expected one word of letters with '-' at the allowed breaks "
                         f"(e.g. 'Deep-Seek', or 'OpenAI' for never), got '{value}'")
    if value.startswith("-") or value.endswith("-") or "--" in value:
        raise ValueError(f"a '-' must stand between two letters, got '{value}'")
    return value


def _check_hyphenation_list(entries: list[str]) -> list[str]:
    """The same word twice with different marks is a contradiction."""
    seen: dict[str, str] = {}
    for entry in entries:
        key = entry.replace("-", "").lower()
        if key in seen and seen[key] != entry:
            raise ValueError(f"'{entry}' and '{seen[key]}' are the same word with different breaks")
        seen[key] = entry
    return entries


Url = Annotated[str, AfterValidator(_check_url)]
Email = Annotated[str, AfterValidator(_check_email)]
Color = Annotated[str, AfterValidator(_check_color)]
Line = Annotated[str, AfterValidator(_not_blank)]
"""A one-line string that must not be blank (titles, names)."""
Text = Annotated[str, AfterValidator(_not_blank)]
"""Paragraphs with inline markup; blank lines separate paragraphs."""
HyphenationEntry = Annotated[str, AfterValidator(_check_hyphenation_entry)]
HyphenationList = Annotated[list[HyphenationEntry], AfterValidator(_check_hyphenation_list)]
_HYPHENATION_HELP = ("House hyphenation exceptions, one word each, matched case-insensitively: "
                     "'Deep-Seek' may break only at the marked point, 'OpenAI' (no '-') never.")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Source(_Strict):
    """A media report or source, rendered "Publisher: Title (note)"."""

    publisher: Line
    title: Line = Field(description="Linked to `url`.")
    url: Url
    note: Optional[str] = Field(None, description="E.g. the original-language title.")


class Article(_Strict):
    """The lead story."""

    title: Line
    toc_title: Optional[Line] = Field(None, description="Shorter title for the contents page.")
    body: Text
    analysis: Optional[Text] = Field(None, description="Expert analysis callout; mark the expert's name **bold**.")
    sources: list[Source] = Field(default_factory=list)


class Topic(_Strict):
    """A topic article with facts, outlook, analysis and sources."""

    title: Line
    toc_title: Optional[Line] = None
    facts: Text = Field(description='Set after the run-in label "Die Fakten:" / "The facts:".')
    outlook: Text = Field(description='Set after "Der Blick nach vorn:" / "Looking ahead:".')
    analysis: Optional[Text] = None
    sources: list[Source] = Field(default_factory=list)


class MetrixSource(_Strict):
    title: Line
    url: Url


class Metrix(_Strict):
    """The big-number callout."""

    value: Line = Field(description='Shown huge in the brand colour, e.g. "49,1 %".')
    text: Text
    source: Optional[MetrixSource] = None


class DigestItem(_Strict):
    title: Line
    publisher: Line
    url: Url
    date: dt.date
    text: Text


class Podcast(_Strict):
    title: Line
    url: Url
    text: Text


class Person(_Strict):
    name: Line
    role: Optional[str] = None


class ImprintGroup(_Strict):
    heading: Line
    people: list[Person] = Field(min_length=1)


class Publisher(_Strict):
    name: Line
    address: list[Line] = Field(default_factory=list)
    phone: Optional[str] = None
    email: Optional[Email] = None
    web: Optional[Url] = None


class Imprint(_Strict):
    groups: list[ImprintGroup] = Field(default_factory=list)
    publisher: Publisher


class Issue(_Strict):
    """One briefing issue: the content of one PDF."""

    series: Optional[Line] = Field(None, description="Series title; default: the brand's series.")
    date: dt.date
    language: Language
    number: Annotated[Optional[Line], BeforeValidator(_number_to_str)] = None
    brand: Optional[str] = Field(None, description="Brand file, relative to this issue file.")
    top_story: Article
    metrix: Optional[Metrix] = None
    topics: list[Topic] = Field(default_factory=list)
    digest: list[DigestItem] = Field(default_factory=list)
    podcasts: list[Podcast] = Field(default_factory=list)
    imprint: Optional[Imprint] = Field(None, description="Default: the brand's imprint.")
    hyphenation: HyphenationList = Field(
        default_factory=list, description=_HYPHENATION_HELP + " Extends and overrides the brand's list.")


class BrandColors(_Strict):
    primary: Color = "#1F3A5F"
    accent: Color = "#C8102E"
    text: Color = "#1A1A1A"
    muted: Color = "#5E6B78"


class BrandFonts(_Strict):
    """TrueType fonts (paths relative to the brand file).

    ``regular``…``bold_italic`` set the body text; ``heading`` and
    ``heading_bold`` the labels, headings, contents and footer (default: the
    body fonts when a brand sets its own body fonts, else the shipped sans).
    """

    regular: Optional[str] = None
    bold: Optional[str] = None
    italic: Optional[str] = None
    bold_italic: Optional[str] = None
    heading: Optional[str] = None
    heading_bold: Optional[str] = None
    fallback: Optional[list[str]] = Field(
        None, description="Tried in order for characters the main font lacks (e.g. a CJK font).")


class Brand(_Strict):
    """The house style of a publisher."""

    name: Line
    series: Optional[Line] = None
    colors: BrandColors = Field(default_factory=BrandColors)
    fonts: BrandFonts = Field(default_factory=BrandFonts)
    logo: Optional[str] = Field(None, description="SVG or PNG, relative to the brand file.")
    logo_alt: Optional[Line] = Field(
        None, description='What the logo says, for screen readers (PDF /Alt); default: "<name> logo".')
    imprint: Optional[Imprint] = None
    labels: dict[Language, dict[LabelKey, Line]] = Field(default_factory=dict)
    hyphenation: HyphenationList = Field(default_factory=list, description=_HYPHENATION_HELP)


def issue_schema() -> dict:
    """The JSON Schema of an issue file, for editors' YAML language servers."""
    schema = Issue.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "briefing-pdf issue"
    return schema


def brand_schema() -> dict:
    schema = Brand.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "briefing-pdf brand"
    return schema
