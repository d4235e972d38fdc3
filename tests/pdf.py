"""Read rendered PDFs back as a person would: their text (poppler's pdftotext)."""

import subprocess


def pdf_text(pdf: bytes) -> str:
    """Return the PDF's text with every run of whitespace made one space."""
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())
