"""The plain text of an issue in reading order, for completeness checks.

pdfcheck (and the tests) compare the words of a PDF with this text. It
follows the order the layout prints: masthead, then each section's label,
titles, paragraphs, callouts, sources; the contents page is left out.
"""

from __future__ import annotations

from .brand import Theme, masthead_date, short_date
from .model import Issue, Source
from .text import clean, plain


def _sources(theme: Theme, sources: list[Source]) -> list[str]:
    if not sources:
        return []
    out = [theme.label("sources")]
    for s in sources:
        out.append(f"{s.publisher}: {s.title}" + (f" ({s.note})" if s.note else ""))
    return out


def reference_text(issue: Issue, theme: Theme) -> str:
    """Every word the PDF must contain, in reading order (one block per line)."""
    lab = theme.label
    out: list[str] = [masthead_date(issue.date, issue.language), theme.series]
    top = issue.top_story
    out += [lab("top_story"), top.title, plain(top.body)]
    if top.analysis:
        out.append(f"{lab('analysis')} {plain(top.analysis)}")
    out += _sources(theme, top.sources)
    if issue.metrix:
        m = issue.metrix
        out += [lab("metrix"), m.value, plain(m.text)]
        if m.source:
            out.append(f"({lab('source')}: {m.source.title})")
    if issue.topics:
        out.append(lab("topics"))
        for t in issue.topics:
            out += [t.title, f"{lab('facts')} {plain(t.facts)}", f"{lab('outlook')} {plain(t.outlook)}"]
            if t.analysis:
                out.append(f"{lab('analysis')} {plain(t.analysis)}")
            out += _sources(theme, t.sources)
    if issue.digest:
        out.append(lab("digest"))
        for d in issue.digest:
            out += [f"{d.title} ({d.publisher})", f"{plain(d.text)} {short_date(d.date, issue.language)}"]
    if issue.podcasts:
        out.append(lab("podcasts"))
        for p in issue.podcasts:
            out += [p.title, plain(p.text)]
    if theme.imprint:
        out.append(lab("imprint"))
        for g in theme.imprint.groups:
            out.append(g.heading.upper())
            for person in g.people:
                out += [person.name] + ([person.role] if person.role else [])
        pub = theme.imprint.publisher
        out += [lab("publisher").upper(), pub.name, *pub.address]
        if pub.phone:
            out.append(f"{lab('phone')} {pub.phone}")
        if pub.email:
            out.append(f"{lab('email')} {pub.email}")
        if pub.web:
            out.append(pub.web)
    return "\n".join(clean(block) if "\n\n" not in block else block for block in out) + "\n"
