"""SMTP TLS Reporting records (RFC 8460 section 3) at ``_smtp._tls.<domain>``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domeinwacht.mail.tags import TagSyntaxError, parse_tags


@dataclass(frozen=True, slots=True)
class TlsRptRecord:
    text: str
    rua: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


def is_tlsrpt_record(text: str) -> bool:
    return re.match(r"^v=TLSRPTv1\s*(;|$)", text) is not None


def parse_tlsrpt(text: str) -> TlsRptRecord:
    try:
        tags = parse_tags(text)
    except TagSyntaxError as exc:
        return TlsRptRecord(text, errors=(f"syntax error: {exc}",))
    values = dict(tags)
    errors = []
    if not tags or tags[0] != ("v", "TLSRPTv1"):  # RFC 8460 3: v=TLSRPTv1 first
        errors.append("v=TLSRPTv1 must be the first tag")
    rua = tuple(u.strip() for u in values.get("rua", "").split(",") if u.strip())
    if not rua:
        errors.append("the required rua= tag is missing or empty")
    for uri in rua:
        if not re.match(r"^(mailto:[^@\s]+@[^@\s]+|https://\S+)$", uri, re.IGNORECASE):
            errors.append(f"rua destination {uri!r} is not mailto: or https:")
    return TlsRptRecord(text, rua, tuple(errors))
