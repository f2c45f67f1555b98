"""A fake DNS for the SPF evaluator that answers from the RFC 7208 test suite's ``zonedata``.

Semantics follow the suite's reference driver (pyspf ``test/testspf.py``):
- names are case-insensitive; a name absent from the zone is NXDOMAIN;
- ``SPF`` records are copied to ``TXT`` unless the name lists any ``TXT`` entry (``TXT: NONE`` means "has no
  TXT records but do not generate any");
- a ``TIMEOUT`` entry makes a question time out unless a record of the asked type was listed before it;
- CNAMEs are followed; a CNAME loop is a DNS error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domeinwacht.mail.spf import SpfAnswer, SpfDnsError

Entry = tuple[str, str | None]  # (rdtype, value) or ("TIMEOUT", None)


def _text(value: Any) -> str | None:
    if value == "NONE":
        return None
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return str(value)


def load_zone(zonedata: Mapping[str, Any]) -> dict[str, list[Entry]]:
    zone: dict[str, list[Entry]] = {}
    for name, entries in zonedata.items():
        out: list[Entry] = []
        generated: list[Entry] = []
        has_txt = any(isinstance(e, dict) and "TXT" in e for e in entries)
        for entry in entries:
            if entry == "TIMEOUT":
                out.append(("TIMEOUT", None))
                continue
            ((rdtype, value),) = entry.items()
            if rdtype in ("TXT", "SPF"):
                text = _text(value)
                if text is None:
                    continue
                out.append((rdtype, text))
                if rdtype == "SPF" and not has_txt:
                    generated.append(("TXT", text))
            elif rdtype == "MX":
                out.append(("MX", str(value[1])))
            else:
                out.append((rdtype, str(value)))
        zone[name.lower().rstrip(".")] = out + generated
    return zone


@dataclass
class ZoneDns:
    """``SpfDns`` over a loaded zone; counts the questions it was asked."""

    zone: dict[str, list[Entry]]
    questions: list[tuple[str, str]] = field(default_factory=list)

    async def query(self, name: str, rdtype: str) -> SpfAnswer:
        self.questions.append((name, rdtype))
        seen: set[str] = set()
        key = name.lower().rstrip(".")
        while True:
            if key in seen:
                raise SpfDnsError(f"CNAME loop at {key}")
            seen.add(key)
            entries = self.zone.get(key)
            if entries is None:
                if key.startswith("error."):
                    raise SpfDnsError("timeout")
                return SpfAnswer("NXDOMAIN")
            records: list[str] = []
            cname: str | None = None
            for rdtype_, value in entries:
                if rdtype_ == "TIMEOUT":
                    if not records:
                        raise SpfDnsError(f"timeout asking {rdtype} of {name}")
                    continue
                if rdtype_ == rdtype and value is not None:
                    records.append(value)
                elif rdtype_ == "CNAME" and value is not None:
                    cname = value
            if records or cname is None or rdtype == "CNAME":
                return SpfAnswer("NOERROR", tuple(records))
            key = cname.lower().rstrip(".")
