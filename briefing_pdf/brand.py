"""The house style: brand file, built-in labels, dates, colours and type.

A :class:`Theme` is everything layout needs to know about the look of one
issue, resolved once: colours, checked fonts, labels in the issue's language,
the design values of the house style (sizes, spacing) and the imprint. Layout
code receives it explicitly; nothing here reads an issue's content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .errors import BriefingError
from .fonts import FontSet, load_fontset
from .load import Loaded, SourceMap, load_brand, parse_document, validate
from .model import Brand, Imprint, Issue

LABELS: dict[str, dict[str, str]] = {
    "de": {
        "contents": "INHALT",
        "top_story": "TOP THEMA",
        "metrix": "METRIX",
        "topics": "THEMEN",
        "facts": "Die Fakten:",
        "outlook": "Der Blick nach vorn:",
        "analysis": "{name}-Analyse:",
        "sources": "Medienberichte und Quellen:",
        "source": "Quelle",
        "digest": "{NAME} DIGEST",
        "podcasts": "UNSERE NEUESTEN PODCASTS",
        "imprint": "IMPRESSUM",
        "publisher": "Herausgeber",
        "phone": "Tel.",
        "email": "E-Mail",
        "web": "Web",
        "page": "Seite",
    },
    "en": {
        "contents": "CONTENTS",
        "top_story": "TOP STORY",
        "metrix": "METRIX",
        "topics": "TOPICS",
        "facts": "The facts:",
        "outlook": "Looking ahead:",
        "analysis": "{name} analysis:",
        "sources": "Media reports and sources:",
        "source": "Source",
        "digest": "{NAME} DIGEST",
        "podcasts": "OUR LATEST PODCASTS",
        "imprint": "IMPRINT",
        "publisher": "Publisher",
        "phone": "Phone",
        "email": "E-mail",
        "web": "Web",
        "page": "Page",
    },
}

MONTHS = {
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
}


def long_date(date: dt.date, lang: str) -> str:
    """"30. Januar 2025" / "30 January 2025"."""
    month = MONTHS[lang][date.month - 1]
    return f"{date.day}. {month} {date.year}" if lang == "de" else f"{date.day} {month} {date.year}"


def masthead_date(date: dt.date, lang: str) -> str:
    """"30. JANUAR 2025" / "30 JANUARY 2025"."""
    return long_date(date, lang).upper()


def short_date(date: dt.date, lang: str) -> str:
    """"(20.01.2025)" / "(20 Jan 2025)"."""
    if lang == "de":
        return f"({date.day:02d}.{date.month:02d}.{date.year})"
    return f"({date.day} {MONTHS['en'][date.month - 1][:3]} {date.year})"


@dataclass(frozen=True)
class Colors:
    primary: str
    accent: str
    text: str
    muted: str
    tint: str  # primary at ~8 % on white: the analysis callout's background


def _tint(hex_color: str, amount: float = 0.08) -> str:
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02X}" for c in mix)


@dataclass(frozen=True)
class Design:
    """The measures of the house style (design brief), in points unless noted."""

    margin_inside_mm: float = 18
    margin_outside_mm: float = 18
    margin_top_mm: float = 20
    margin_bottom_mm: float = 22
    gutter_mm: float = 7
    masthead_mm: float = 55
    body_size: float = 9.5
    body_leading: float = 12.5
    para_space: float = 4
    title_size: float = 15
    title_leading: float = 18
    title_before: float = 10
    title_after: float = 6
    band_size: float = 7.5
    band_padding: float = 4
    band_tracking: float = 1
    list_size: float = 8
    list_leading: float = 10.5
    footer_size: float = 7.5
    metrix_size: float = 54
    callout_size: float = 9  # a step below the body: the box reads as an aside
    callout_leading: float = 12
    callout_padding: float = 8
    callout_rule: float = 3


@dataclass
class Theme:
    """Everything about the look of one issue, resolved."""

    brand: Brand
    lang: str
    colors: Colors
    fonts: FontSet
    labels: dict[str, str]
    design: Design = field(default_factory=Design)
    logo: Path | None = None
    imprint: Imprint | None = None
    series: str = ""
    #: House hyphenation exceptions (brand's, then the issue's; see :func:`house_hyphenation`).
    hyphenation: tuple[str, ...] = ()

    def label(self, key: str) -> str:
        return self.labels[key]


def default_brand_text() -> str:
    return resources.files("briefing_pdf.data").joinpath("default.brand.yaml").read_text("utf-8")


_BUILTIN = "<built-in default brand>"


def _is_builtin(brand: Loaded[Brand]) -> bool:
    return brand.source.file == _BUILTIN


def _default_brand() -> Loaded[Brand]:
    display = _BUILTIN
    data, source = parse_document(default_brand_text(), display)
    return Loaded(validate(data, Brand, source), Path("."), source)


def _default_imprint(lang: str) -> Imprint | None:
    """The built-in brand's imprint in the issue's language (English is in the brand file)."""
    name = f"default-imprint.{lang}.yaml"
    resource = resources.files("briefing_pdf.data").joinpath(name)
    if not resource.is_file():
        return None
    data, source = parse_document(resource.read_text("utf-8"), f"<built-in {name}>")
    return validate(data, Imprint, source)


def uses_placeholder_imprint(issue: Issue, brand: Loaded[Brand]) -> bool:
    """Whether the issue would print the built-in brand's fictional imprint."""
    return issue.imprint is None and _is_builtin(brand)


def resolve_labels(brand: Brand, lang: str) -> dict[str, str]:
    labels = dict(LABELS[lang])
    labels.update(brand.labels.get(lang, {}))
    return {k: v.replace("{name}", brand.name).replace("{NAME}", brand.name.upper()) for k, v in labels.items()}


def brand_for(issue: Loaded[Issue], override: Path | None = None) -> Loaded[Brand]:
    """The brand an issue uses: ``--brand``, else the issue's ``brand:``, else the default."""
    if override is not None:
        if not override.is_file():
            raise BriefingError.single("brand file not found", file=str(override), kind="usage")
        return load_brand(override)
    if issue.model.brand:
        path = (issue.path.parent / issue.model.brand)
        if not path.is_file():
            raise BriefingError([issue.source.problem(("brand",), f"brand file not found: {path}")])
        return load_brand(path)
    return _default_brand()


def _relocate(exc: BriefingError, source: SourceMap, prefix: tuple) -> BriefingError:
    """Give problems found in a brand's referenced files the brand file's positions."""
    problems = []
    for p in exc.problems:
        loc = prefix + tuple(_parse_path(p.path))
        problems.append(source.problem(loc, p.message))
    return BriefingError(problems)


def _parse_path(path: str) -> list:
    out: list = []
    for part in path.replace("]", "").split("."):
        name, *indices = part.split("[")
        if name:
            out.append(name)
        out.extend(int(i) for i in indices)
    return out


def check_brand_files(brand: Loaded[Brand]) -> tuple[FontSet, Path | None]:
    """The brand's fonts and logo, checked; every problem at once, located in the brand file."""
    model = brand.model
    base = brand.path.parent if not _is_builtin(brand) else None
    problems = []
    fonts = None
    try:
        fonts = load_fontset(model.fonts.model_dump(), base, brand.source.file)
    except BriefingError as exc:
        problems += _relocate(exc, brand.source, ()).problems
    logo = None
    if model.logo:
        logo = (base or Path(".")) / model.logo
        problem = _logo_problem(logo)
        if problem is None and fonts is not None and logo.suffix.lower() == ".svg":
            problem = _logo_text_problem(logo, fonts)
        if problem:
            problems.append(brand.source.problem(("logo",), problem))
    if fonts is not None:
        from .text import brand_text_problems

        problems += brand_text_problems(model, brand.source, fonts)
    if problems or fonts is None:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise BriefingError(problems)
    return fonts, logo


def make_theme(issue: Issue, brand: Loaded[Brand]) -> Theme:
    """Resolve the brand for one issue; checks fonts, logo and imprint."""
    model = brand.model
    fonts, logo = check_brand_files(brand)
    c = model.colors
    colors = Colors(c.primary, c.accent, c.text, c.muted, _tint(c.primary))
    return Theme(
        brand=model, lang=issue.language, colors=colors, fonts=fonts,
        labels=resolve_labels(model, issue.language), logo=logo,
        imprint=issue.imprint or (_default_imprint(issue.language) if _is_builtin(brand) else None)
        or model.imprint,
        series=issue.series or model.series or model.name,
        hyphenation=house_hyphenation(model.hyphenation, issue.hyphenation),
    )


def house_hyphenation(brand: list[str], issue: list[str]) -> tuple[str, ...]:
    """The brand's hyphenation exceptions extended by the issue's; an issue
    entry replaces the brand's entry for the same word (case-insensitive)."""
    merged: dict[str, str] = {}
    for entry in [*brand, *issue]:
        merged[entry.replace("-", "").lower()] = entry
    return tuple(merged.values())


def svg_text(path: Path) -> str:
    """The text an SVG logo draws (``<text>``, ``<tspan>``), for font checks and registration."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError):
        return ""
    texts = [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "text"]
    return " ".join("".join(el.itertext()) for el in texts)


def _logo_text_problem(path: Path, fonts: FontSet) -> str | None:
    """Text in an SVG logo is set in the brand's fonts (PDF/A embeds every font): they must cover it."""
    missing = sorted({ch for ch in svg_text(path) if not ch.isspace() and not fonts.covered(ch)})
    if not missing:
        return None
    shown = ", ".join(f"'{ch}' (U+{ord(ch):04X})" for ch in missing[:5])
    where = _position_in_file(path, missing[0])
    return (f"logo {path.name} has text with characters no configured font can draw: {shown}"
            f"{f' (first at {path.name}:{where[0]}:{where[1]})' if where else ''}; "
            "convert the logo's text to outlines or add a fallback font that has them")


def _position_in_file(path: Path, ch: str) -> tuple[int, int] | None:
    """Line and column of the first ``ch`` in a text file (written as itself or as a
    character reference), so the message points into the SVG like into YAML."""
    import re

    try:
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        return None
    match = re.search(f"{re.escape(ch)}|&#[xX]0*{ord(ch):x};|&#0*{ord(ch)};", text, re.IGNORECASE)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    return line, match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1


def _logo_problem(path: Path) -> str | None:
    if not path.is_file():
        return f"logo file not found: {path}"
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        return f"logo must be an SVG or PNG file, got '{path.name}'"
    try:
        head = path.read_bytes()[:512]
    except OSError as exc:
        return f"logo file is not readable: {exc.strerror}"
    if suffix == ".png" and not head.startswith(b"\x89PNG"):
        return f"logo {path.name} is not a PNG image"
    if suffix == ".png":
        return _png_problem(path)
    if suffix == ".svg" and b"<svg" not in path.read_bytes()[:4096].lower():
        return f"logo {path.name} is not an SVG image"
    if suffix == ".svg":
        return _svg_syntax_problem(path)
    return None


#: The masthead box a logo is scaled into (render.py), and the smallest
#: printed side below which a logo reads as a sliver.
LOGO_BOX_MM = (60.0, 12.0)
LOGO_MIN_SIDE_MM = 4.0


def logo_size(path: Path) -> tuple[float, float] | None:
    """Width and height of a checked logo in its own units (SVG viewBox or
    width/height, PNG pixels); None when the file does not say."""
    import re
    import struct
    import xml.etree.ElementTree as ET

    try:
        if path.suffix.lower() == ".png":
            head = path.read_bytes()[:24]
            return tuple(float(v) for v in struct.unpack(">II", head[16:24])) if len(head) == 24 else None
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError, struct.error):
        return None
    box = re.split(r"[\s,]+", root.get("viewBox", "").strip())
    if len(box) == 4:
        try:
            return float(box[2]), float(box[3])
        except ValueError:
            pass
    try:
        return (float(re.match(r"[\d.]+", root.get("width", "")).group(0)),
                float(re.match(r"[\d.]+", root.get("height", "")).group(0)))
    except (AttributeError, ValueError):
        return None


def logo_sliver_warning(path: Path) -> str | None:
    """A logo whose shape prints it as a thin strip in the masthead box."""
    size = logo_size(path)
    if not size or size[0] <= 0 or size[1] <= 0:
        return None
    box_w, box_h = LOGO_BOX_MM
    scale = min(box_w / size[0], box_h / size[1])
    w, h = size[0] * scale, size[1] * scale
    if min(w, h) >= LOGO_MIN_SIDE_MM:
        return None
    return (f"logo {path.name} is {size[0]:g} × {size[1]:g} (width to height {size[0] / size[1]:.3g}:1) and "
            f"prints only {w:.1f} × {h:.1f} mm in the {box_w:g} × {box_h:g} mm masthead box; "
            "use a version of the logo closer to 5:1 (width to height)")


def _png_problem(path: Path) -> str | None:
    """A PNG that starts right but is cut off or corrupt would fail only while
    rendering (an internal error); decode it now."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.load()
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for a broken file
        reason = str(exc).split("\n")[0][:120] or exc.__class__.__name__
        return f"logo {path.name} is a damaged PNG image ({reason}); export it again"
    return None


def _svg_syntax_problem(path: Path) -> str | None:
    """An SVG must be well-formed XML: svglib skips what it cannot parse, so an
    unclosed tag or a broken attribute would silently drop (part of) the logo.
    Parsed with expat (strict; its entity-expansion limits stop "billion laughs")."""
    import xml.etree.ElementTree as ET

    try:
        if b"<!ENTITY" in path.read_bytes():
            return (f"logo {path.name} declares XML entities (<!ENTITY …>), which are not accepted in a logo; "
                    "export the SVG again without a DTD")
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        line, col = exc.position
        reason = str(exc).split(":", 1)[0]
        reason = {"no element found": "the file ends before every element is closed (e.g. </svg> is missing)",
                  "not well-formed (invalid token)": "invalid syntax (e.g. an attribute value without quotes)",
                  }.get(reason, reason)
        return (f"logo {path.name} is not well-formed XML: {reason} at {path.name}:{line}:{col + 1}; "
                "fix the SVG (or export it again from the drawing program)")
    except OSError as exc:
        return f"logo file is not readable: {exc.strerror}"
    if root.tag.rsplit("}", 1)[-1] != "svg":
        return f"logo {path.name} is not an SVG image (its root element is <{root.tag.rsplit('}', 1)[-1]}>)"
    return None
