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

def _new_list() -> list:
    """A fresh empty list (a field default).

    Written as a function rather than ``default_factory=list``: pydantic reads
    every default factory's signature while it builds the models, and for the
    builtins ``list`` and ``dict`` that means parsing their text signature with
    the tokenizer, whose first use compiles a large regex (~9 ms of every start).
    """
    return []


def _new_dict() -> dict:
    """A fresh empty dict (a field default; see :func:`_new_list`)."""
    return {}


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


class _Schema:
    """JSON Schema keywords for a type, so editors check what the validators
    enforce (the keywords affect the exported schema only, not validation)."""

    def __init__(self, **keywords: object) -> None:
        self.keywords = keywords

    def __get_pydantic_json_schema__(self, core_schema, handler):
        schema = handler(core_schema)
        schema.update(self.keywords)
        return schema


#: ECMA-262 versions of the checks above (JSON Schema patterns have no flags).
URL_PATTERN = (r"^([Hh][Tt][Tt][Pp][Ss]?://([^\s/?#\"<>\\{}|^`]+\.[^\s/?#\"<>\\{}|^`]*|localhost)"
               r"[^\s\"<>\\{}|^`]*|[Mm][Aa][Ii][Ll][Tt][Oo]:[^\s@]+@[^\s@]+)$")
EMAIL_PATTERN = r"^[^@\s\"<>]+@[^@\s\"<>]+\.[^@\s\"<>]+$"
COLOR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
NOT_BLANK = _Schema(minLength=1, pattern=r"\S")

Url = Annotated[str, AfterValidator(_check_url), _Schema(pattern=URL_PATTERN)]
Email = Annotated[str, AfterValidator(_check_email), _Schema(pattern=EMAIL_PATTERN)]
Color = Annotated[str, AfterValidator(_check_color), _Schema(pattern=COLOR_PATTERN)]
Line = Annotated[str, AfterValidator(_not_blank), NOT_BLANK]
"""A one-line string that must not be blank (titles, names)."""
Text = Annotated[str, AfterValidator(_not_blank), NOT_BLANK]
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
    sources: list[Source] = Field(default_factory=_new_list)


class Topic(_Strict):
    """A topic article with facts, outlook, analysis and sources."""

    title: Line
    toc_title: Optional[Line] = None
    facts: Text = Field(description='Set after the run-in label "Die Fakten:" / "The facts:".')
    outlook: Text = Field(description='Set after "Der Blick nach vorn:" / "Looking ahead:".')
    analysis: Optional[Text] = None
    sources: list[Source] = Field(default_factory=_new_list)


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
    address: list[Line] = Field(default_factory=_new_list)
    phone: Optional[str] = None
    email: Optional[Email] = None
    web: Optional[Url] = None


class Imprint(_Strict):
    groups: list[ImprintGroup] = Field(default_factory=_new_list)
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
    topics: list[Topic] = Field(default_factory=_new_list)
    digest: list[DigestItem] = Field(default_factory=_new_list)
    podcasts: list[Podcast] = Field(default_factory=_new_list)
    imprint: Optional[Imprint] = Field(None, description="Default: the brand's imprint.")
    hyphenation: HyphenationList = Field(
        default_factory=_new_list, description=_HYPHENATION_HELP + " Extends and overrides the brand's list.")


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
    labels: dict[Language, dict[LabelKey, Line]] = Field(default_factory=_new_dict)
    hyphenation: HyphenationList = Field(default_factory=_new_list, description=_HYPHENATION_HELP)


#: One line and an example for every field, for editors (hover, completion).
#: tests/test_schema.py checks that every property of both schemas has them.
FIELD_DOCS: dict[str, tuple[str, object]] = {
    "Issue.series": ("Series title on the masthead; default: the brand's series.", "Energy Briefing"),
    "Issue.date": ("Publication date, YYYY-MM-DD; also the PDF's date.", "2026-03-12"),
    "Issue.language": ("Language of the issue: labels, dates and hyphenation.", "en"),
    "Issue.number": ("Issue number or label, shown in the masthead (a bare number is fine).", "7"),
    "Issue.brand": ("Brand file, relative to this issue file; default: the built-in brand.", "house.brand.yaml"),
    "Issue.top_story": ("The lead story.", {"title": "Gas storage is full", "body": "Text…"}),
    "Issue.metrix": ("The big-number callout.", {"value": "49,1 %", "text": "Share of wind in March."}),
    "Issue.topics": ("Topic articles, in order.", [{"title": "…", "facts": "…", "outlook": "…"}]),
    "Issue.digest": ("Short items from other publishers.", [{"title": "…", "publisher": "…",
                                                             "url": "https://example.org/", "date": "2026-03-10",
                                                             "text": "…"}]),
    "Issue.podcasts": ("Latest podcast episodes.", [{"title": "…", "url": "https://example.org/ep1", "text": "…"}]),
    "Issue.imprint": ("Legal imprint; default: the brand's.", {"publisher": {"name": "House Institute"}}),
    "Issue.hyphenation": (_HYPHENATION_HELP + " Extends the brand's list.", ["Deep-Seek", "OpenAI"]),
    "Article.title": ("Headline (plain text, not empty).", "Gas storage is full"),
    "Article.toc_title": ("Shorter title for the contents page.", "Gas storage"),
    "Article.body": ("Text with **bold**, *italic* and [links](https://example.org); blank line = paragraph.",
                     "The storage sites are **full**."),
    "Article.analysis": ("Expert analysis callout; mark the expert's name **bold**.",
                         "Prices will stay high, says **Dana Smith**."),
    "Article.sources": ("Media reports and sources.", [{"publisher": "Reuters", "title": "…",
                                                        "url": "https://example.org/"}]),
    "Topic.title": ("Headline (plain text, not empty).", "Grid fees rise"),
    "Topic.toc_title": ("Shorter title for the contents page.", "Grid fees"),
    "Topic.facts": ('Set after the run-in label "Die Fakten:" / "The facts:".', "Fees rise by 12 %."),
    "Topic.outlook": ('Set after "Der Blick nach vorn:" / "Looking ahead:".', "A ruling is due in May."),
    "Topic.analysis": ("Expert analysis callout; mark the expert's name **bold**.", "**Dana Smith** expects …"),
    "Topic.sources": ("Media reports and sources.", [{"publisher": "Reuters", "title": "…",
                                                      "url": "https://example.org/"}]),
    "Source.publisher": ("Who published it.", "Reuters"),
    "Source.title": ("Title of the report; linked to url.", "EU gas storage reaches 90 %"),
    "Source.url": ("http://, https:// or mailto: address.", "https://example.org/report"),
    "Source.note": ("Optional note, e.g. the original-language title.", "in German"),
    "MetrixSource.title": ("Where the number comes from.", "Eurostat"),
    "MetrixSource.url": ("http://, https:// or mailto: address.", "https://example.org/data"),
    "Metrix.value": ("The number, as text, shown huge in the brand colour.", "49,1 %"),
    "Metrix.text": ("What the number means (text with markup).", "Share of wind power in March."),
    "Metrix.source": ("Source of the number.", {"title": "Eurostat", "url": "https://example.org/data"}),
    "DigestItem.title": ("Title of the item (plain text).", "Hydrogen strategy revised"),
    "DigestItem.publisher": ("Who published it.", "Handelsblatt"),
    "DigestItem.url": ("http://, https:// or mailto: address.", "https://example.org/item"),
    "DigestItem.date": ("Date of the item, YYYY-MM-DD.", "2026-03-10"),
    "DigestItem.text": ("One or two sentences (text with markup).", "The ministry revised its targets."),
    "Podcast.title": ("Episode title.", "Episode 12: Storage"),
    "Podcast.url": ("http://, https:// or mailto: address.", "https://example.org/podcast/12"),
    "Podcast.text": ("What the episode is about (text with markup).", "With **Dana Smith**."),
    "Person.name": ("Name as printed.", "Alex Example"),
    "Person.role": ("Role, printed after the name.", "Editor-in-chief"),
    "ImprintGroup.heading": ("Heading of the group.", "Editorial team"),
    "ImprintGroup.people": ("At least one person.", [{"name": "Alex Example", "role": "Editor"}]),
    "Publisher.name": ("Legal name of the publisher.", "House Institute for Policy Studies"),
    "Publisher.address": ("Address lines.", ["Musterstraße 1", "10115 Berlin"]),
    "Publisher.phone": ("Phone number as printed.", "+49 30 0000 0000"),
    "Publisher.email": ("E-mail address.", "office@example.org"),
    "Publisher.web": ("Web site: http:// or https:// address.", "https://example.org/"),
    "Imprint.groups": ("Groups of people (editorial team, layout, …).",
                       [{"heading": "Editorial team", "people": [{"name": "Alex Example"}]}]),
    "Imprint.publisher": ("The publisher.", {"name": "House Institute"}),
    "BrandColors.primary": ("Main colour as #RRGGBB (quote it: # starts a YAML comment).", "#1F3A5F"),
    "BrandColors.accent": ("Accent colour as #RRGGBB (quoted).", "#C8102E"),
    "BrandColors.text": ("Text colour as #RRGGBB (quoted).", "#1A1A1A"),
    "BrandColors.muted": ("Secondary text colour as #RRGGBB (quoted).", "#5E6B78"),
    "BrandFonts.regular": ("Body text font (TrueType), relative to the brand file.", "fonts/Serif-Regular.ttf"),
    "BrandFonts.bold": ("Bold body font.", "fonts/Serif-Bold.ttf"),
    "BrandFonts.italic": ("Italic body font.", "fonts/Serif-Italic.ttf"),
    "BrandFonts.bold_italic": ("Bold italic body font.", "fonts/Serif-BoldItalic.ttf"),
    "BrandFonts.heading": ("Font of labels, contents and footer.", "fonts/Sans-Regular.ttf"),
    "BrandFonts.heading_bold": ("Font of headings.", "fonts/Sans-Bold.ttf"),
    "BrandFonts.fallback": ("Tried in order for characters the main fonts lack (e.g. a CJK font).",
                            ["fonts/NotoSansCJK.ttc"]),
    "Brand.name": ("Name of the house, used in labels ({name}) and the logo's alt text.", "Northwind Policy Lab"),
    "Brand.series": ("Default series title of its issues.", "Policy Briefing"),
    "Brand.colors": ("House colours.", {"primary": "#1F3A5F", "accent": "#C8102E"}),
    "Brand.fonts": ("House fonts (TrueType); default: the shipped Noto fonts.", {"regular": "fonts/x.ttf"}),
    "Brand.logo": ("SVG or PNG, relative to the brand file; shown in the masthead (about 5:1).", "logo.svg"),
    "Brand.logo_alt": ('What the logo says, for screen readers; default: "<name> logo".', "Northwind Policy Lab"),
    "Brand.imprint": ("Imprint of every issue that has none of its own.", {"publisher": {"name": "House"}}),
    "Brand.labels": ("Label overrides per language.", {"en": {"digest": "NORTHWIND DIGEST"}}),
    "Brand.hyphenation": (_HYPHENATION_HELP, ["Deep-Seek", "OpenAI"]),
}


def _document(schema: dict, root: str) -> dict:
    """Descriptions and examples from FIELD_DOCS; pydantic's generated titles
    ("Url", "Title") removed, since they say nothing a key does not."""
    models = [(root, schema)] + list(schema.get("$defs", {}).items())
    for name, model in models:
        for key, prop in model.get("properties", {}).items():
            prop.pop("title", None)
            doc = FIELD_DOCS.get(f"{name}.{key}")
            if doc is not None:
                prop["description"], example = doc
                prop["examples"] = [example]
    return schema


def issue_schema() -> dict:
    """The JSON Schema of an issue file, for editors' YAML language servers."""
    schema = _document(Issue.model_json_schema(), "Issue")
    # `number: 7` is accepted (BeforeValidator): say so, or editors flag it.
    number = schema["properties"]["number"]
    number["anyOf"].insert(1, {"type": "integer"})
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "briefing-pdf issue"
    return schema


def brand_schema() -> dict:
    schema = _document(Brand.model_json_schema(), "Brand")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "briefing-pdf brand"
    return schema
