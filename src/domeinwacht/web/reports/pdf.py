"""The report as PDF: WeasyPrint draws the report's HTML document with the print stylesheet (a local file; the
document links nothing else, so WeasyPrint fetches nothing)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domeinwacht.web.reports.document import PRINT_CSS, render_document


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"the report fetches no resource ({url})")


def render_pdf(data: Mapping[str, Any], language: str = "nl") -> bytes:
    from weasyprint import CSS, HTML

    html = HTML(string=render_document(data, language), url_fetcher=_no_fetch)
    pdf: bytes = html.write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])
    return pdf
