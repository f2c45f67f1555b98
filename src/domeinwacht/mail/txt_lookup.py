"""One TXT lookup as the mail records see it: the records at a name, the response code, or why it failed.

Read by the SPF analysis (``mail/spf_policy.py``) and kept in every mail observation that comes from a TXT record
(DMARC, DKIM, MTA-STS, TLS-RPT), so a check can say what was asked and what came back.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TxtLookup:
    """TXT records at ``name`` (each record's strings joined), with the response code or the failure."""

    name: str
    rcode: str = ""
    records: tuple[str, ...] = ()
    error: str | None = None
