"""briefing-pdf: typeset periodic briefings from YAML into branded two-column PDFs."""

__version__ = "0.1.0"
