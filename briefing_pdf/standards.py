"""The PDF standards a build can conform to (``--pdf-standard``).

Kept apart from :mod:`briefing_pdf.tagging` so the command line can check
the option without importing ReportLab.

* ``ua-1+a-2a`` (default): tagged PDF/UA-1 and PDF/A-2a — structure tree,
  marked content, alternative texts, XMP metadata, sRGB output intent.
* ``a-2b``: PDF/A-2b only — metadata and output intent, no tags.
* ``none``: plain ReportLab output; for speed comparisons only.
"""

from __future__ import annotations

from .errors import BriefingError

STANDARDS = ("ua-1+a-2a", "a-2b", "none")
DEFAULT_STANDARD = "ua-1+a-2a"


def check_standard(value: str) -> str:
    """``value`` if it names a standard, else a usage error that lists them."""
    if value not in STANDARDS:
        raise BriefingError.single(f"unknown --pdf-standard '{value}'; expected one of: {', '.join(STANDARDS)}",
                                   kind="usage")
    return value
