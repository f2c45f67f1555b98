"""security.txt (RFC 9116): parse and validate one file, with every error, warning and recommendation.

    report = validate_security_txt(body, content_type="text/plain; charset=utf-8",
                                   fetched_from=("https://example.nl/.well-known/security.txt",), now=now)
    report.valid, report.errors, report.warnings, report.contacts, report.expires

The rules are those of shared/standards/SECURITY_TXT.md; each check cites its RFC 9116 section. The parsed
``contacts`` of a valid file are the preferred route for vulnerability notifications (CVD). Pure: no I/O (an
OpenPGP signature is checked for structure here; the web observer verifies it with gpg).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domeinwacht.langtags import language_tag_problem
from domeinwacht.openpgp_cleartext import SIGNATURE_BEGIN, SIGNATURE_END, SIGNED_HEADER, parse_cleartext

MAX_REPORTED_LINE_ERRORS = 10

# RFC 9116 4: field-name = 1*(%d33-57 / %d59-126) (printable, no colon, no space)
_FIELD_LINE = re.compile(r"^([\x21-\x39\x3b-\x7e]+):(.*)$")
# RFC 3339 5.6 internet date-time; "T" and "Z" may be lower case (5.6 NOTE).
_DATE_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
# RFC 3986 3.1 scheme, and no whitespace or controls in the rest (RFC 3986 2: URI characters).
_URI = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):[\x21-\x7e]+$")

URI_FIELDS = ("contact", "encryption", "canonical", "policy", "acknowledgments", "hiring", "csaf")
KNOWN_FIELDS = (*URI_FIELDS, "expires", "preferred-languages")


@dataclass(frozen=True, slots=True)
class SecurityTxtReport:
    """The outcome of validating one security.txt.

    Attributes:
        errors: violations of RFC 9116 (or of SECURITY_TXT.md): the file is invalid when there is one.
        warnings: not invalid, but should change (Expires more than a year ahead, signed without Canonical).
        recommendations: advice (a mailto: Contact without Encryption).
        fields: every field line, ``(name as written, value)``, in order (cleartext of a signed file).
        contacts / canonical / encryption / policy / preferred_languages: parsed values.
        expires: the Expires date-time when it parsed.
        signed: the file is an OpenPGP cleartext-signed message.
        signature_verified: always ``None`` here (pure); ``SecurityTxtFetch.signature`` holds the gpg outcome.
        truncated_at: for a file cut at the size cap, the bytes read (only its complete lines are judged).
        unseen: what a cut file lacks in the bytes read but may have after the cut (a required field, the
            signature block): not an error of the file, but nothing we observed either.
    """

    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    recommendations: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    contacts: tuple[str, ...] = ()
    expires: datetime | None = None
    canonical: tuple[str, ...] = ()
    encryption: tuple[str, ...] = ()
    policy: tuple[str, ...] = ()
    preferred_languages: tuple[str, ...] = ()
    signed: bool = False
    signature_verified: bool | None = None
    truncated_at: int | None = None
    unseen: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass
class _Collector:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)
    line_errors: int = 0
    truncated_at: int | None = None
    unseen: list[str] = field(default_factory=list)

    def missing(self, message: str) -> None:
        """Something absent from the file: an error, unless the file was cut and it may follow the cut."""
        if self.truncated_at is None:
            self.errors.append(message)
        else:
            what = message.partition(";")[0].partition(" (RFC")[0]
            self.unseen.append(f"{what} in the first {self.truncated_at} bytes")

    def line_error(self, message: str) -> None:
        self.line_errors += 1
        if self.line_errors <= MAX_REPORTED_LINE_ERRORS:
            self.errors.append(message)


def parse_date_time(text: str) -> datetime | None:
    """An RFC 3339 ``date-time`` (with offset) as an aware datetime, or ``None`` when it is not one."""
    match = _DATE_TIME.match(text)
    if not match:
        return None
    normalised = text.upper().replace("Z", "+00:00")
    if match.group(7):  # Python accepts at most 6 fractional digits
        normalised = normalised.replace(match.group(7), match.group(7)[:7])
    try:
        return datetime.fromisoformat(normalised)
    except ValueError:
        return None


def _check_content_type(content_type: str | None, out: _Collector) -> None:
    # RFC 9116 3: 'The file MUST have a Content-Type of "text/plain" with the "charset" parameter set to "utf-8"'
    if content_type is None:
        out.errors.append('no Content-Type; it must be "text/plain; charset=utf-8" (RFC 9116 3)')
        return
    media, _, params = content_type.partition(";")
    if media.strip().lower() != "text/plain":
        out.errors.append(f'Content-Type is "{media.strip()}", not "text/plain" (RFC 9116 3)')
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if charset is None:
        out.errors.append('Content-Type has no charset; it must be "charset=utf-8" (RFC 9116 3)')
    elif charset != "utf-8":
        out.errors.append(f'charset is "{charset}", not "utf-8" (RFC 9116 3)')


def _split_lines(text: str, out: _Collector) -> list[str]:
    """Lines without their end; every line must end in LF or CRLF (RFC 9116 4: eol = *WSP [CR] LF)."""
    if not text:
        return []
    parts = text.split("\n")
    if parts[-1] != "":
        out.errors.append("the last line does not end with a line break (RFC 9116 4: every line ends in LF)")
    else:
        parts.pop()
    lines = []
    for number, part in enumerate(parts, 1):
        line = part[:-1] if part.endswith("\r") else part
        if "\r" in line:
            out.line_error(f"line {number}: a carriage return not followed by a line feed (RFC 9116 4)")
            line = line.replace("\r", "")
        lines.append(line)
    return lines


def _unsign(lines: list[str], out: _Collector) -> list[str]:
    """The cleartext of an OpenPGP cleartext-signed message, its structure checked (RFC 4880 7, RFC 9580 7)."""
    message = parse_cleartext(lines)
    for error in message.errors:
        # A file cut at the cap may have its signature block after the cut: missing there is unseen, not invalid.
        if error.startswith(
            (f"signed file: no {SIGNATURE_BEGIN}", f"signed file: the signature block has no {SIGNATURE_END}")
        ):
            out.missing(error)
        else:
            out.errors.append(error)
    return list(message.cleartext)


def _check_uri(name: str, value: str, out: _Collector, *, line: int) -> bool:
    match = _URI.match(value)
    if not match:
        out.line_error(f"line {line}: {name} value {value!r} is not a URI (RFC 9116 2.5, RFC 3986)")
        return False
    if match.group(1).lower() == "http":
        # RFC 9116 2.5.x: "if this field indicates a web URI, then it MUST begin with "https://""
        out.line_error(f"line {line}: {name} {value} is a web URI that does not use https (RFC 9116 2.5)")
        return False
    return True


def validate_security_txt(
    body: bytes,
    *,
    content_type: str | None,
    fetched_from: Sequence[str],
    now: datetime,
    truncated: bool = False,
) -> SecurityTxtReport:
    """Validate one file (see the module docstring). ``fetched_from``: the URL(s) it was retrieved with."""
    out = _Collector(truncated_at=len(body) if truncated else None)
    _check_content_type(content_type, out)
    if truncated:
        out.warnings.append(f"truncated at {len(body)} bytes: only the complete lines before the cut are judged")
    if body.startswith(b"\xef\xbb\xbf"):
        out.errors.append("the file starts with a byte-order mark; UTF-8 without BOM is required (SECURITY_TXT.md)")
        body = body[3:]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not (truncated and exc.start >= len(body) - 3):  # a cut in the middle of a character is ours
            out.errors.append(f"the file is not valid UTF-8 (byte {exc.start}) (RFC 9116 3)")
        text = body.decode("utf-8", "replace")
    if truncated:
        # Judge only the complete lines: the cut one is ours, not the file's (no line at all: nothing to judge).
        text = text[: text.rindex("\n") + 1] if "\n" in text else ""
    lines = _split_lines(text, out)
    signed = bool(lines) and lines[0] == SIGNED_HEADER
    if signed:
        lines = _unsign(lines, out)
    elif any(line.startswith(SIGNED_HEADER) for line in lines):
        out.errors.append("the PGP signed-message header is not on the first line (RFC 9116 2.3)")

    fields: list[tuple[str, str]] = []
    values: dict[str, list[tuple[int, str]]] = {}
    for number, line in enumerate(lines, 1):
        stripped = line.strip(" \t")
        if not stripped or stripped.startswith("#"):
            continue  # RFC 9116 4: empty lines and comments
        match = _FIELD_LINE.match(line)
        if not match:
            if ":" in line and line.split(":", 1)[0].rstrip() != line.split(":", 1)[0]:
                out.line_error(f"line {number}: space before the colon (RFC 9116 4)")
            else:
                out.line_error(f"line {number}: not a field, comment or empty line: {line[:80]!r}")
            continue
        name, rest = match.group(1), match.group(2)
        if not rest.startswith(" ") or rest.startswith("  ") or rest.startswith(" \t"):
            # RFC 9116 4: field-name fs SP value: exactly one space after the colon
            out.line_error(f"line {number}: {name} must be followed by ': ' and the value (RFC 9116 4)")
        value = rest.strip(" \t")
        fields.append((name, value))
        key = name.lower()  # RFC 9116 2.4: field names are case-insensitive
        if key in KNOWN_FIELDS:
            values.setdefault(key, []).append((number, value))

    uris: dict[str, list[str]] = {}
    for key in URI_FIELDS:
        for number, value in values.get(key, []):
            if key == "encryption" and "BEGIN PGP PUBLIC KEY" in value:
                # RFC 9116 2.5.4: a URI to the key, never the key itself.
                out.line_error(f"line {number}: Encryption holds a key instead of a URI to it (RFC 9116 2.5.4)")
                continue
            if _check_uri(key.capitalize() if key != "csaf" else "CSAF", value, out, line=number):
                uris.setdefault(key, []).append(value)

    # Contact: REQUIRED, may repeat (RFC 9116 2.5.3); mailto:, tel: or https: (SECURITY_TXT.md).
    contacts = tuple(uris.get("contact", []))
    if "contact" not in values:
        out.missing("no Contact field; at least one is required (RFC 9116 2.5.3)")
    for contact in contacts:
        scheme = contact.split(":", 1)[0].lower()
        if scheme not in ("mailto", "tel", "https"):
            out.errors.append(f"Contact {contact} is not a mailto:, tel: or https: URI (RFC 9116 2.5.3)")

    # Expires: REQUIRED, exactly once, RFC 3339 date-time, not in the past; > 1 year ahead: warning (2.5.5).
    expires: datetime | None = None
    expiry_fields = values.get("expires", [])
    if not expiry_fields:
        out.missing("no Expires field; it is required (RFC 9116 2.5.5)")
    elif len(expiry_fields) > 1:
        out.errors.append(f"Expires appears {len(expiry_fields)} times; exactly once is allowed (RFC 9116 2.5.5)")
    if expiry_fields:
        number, raw = expiry_fields[0]
        expires = parse_date_time(raw)
        if expires is None:
            out.errors.append(f"line {number}: Expires {raw!r} is not an RFC 3339 date-time (RFC 9116 2.5.5)")
        elif expires <= now:
            out.errors.append(f"the file expired on {expires.isoformat()} (RFC 9116 2.5.5)")
        elif expires - now > timedelta(days=366):
            out.warnings.append(
                f"Expires {expires.date().isoformat()} is more than a year ahead; RFC 9116 2.5.5 recommends less"
            )

    # Canonical: the URI the file was fetched from must be among them (RFC 9116 2.5.2).
    canonical = tuple(uris.get("canonical", []))
    if canonical:
        wanted = {_normalise_url(u) for u in fetched_from}
        if not wanted & {_normalise_url(c) for c in canonical}:
            out.errors.append(
                "the file was fetched from "
                + " / ".join(fetched_from)
                + ", which is not among its Canonical URIs (RFC 9116 2.5.2)"
            )
    elif signed:
        out.warnings.append("a signed file should contain a Canonical field (RFC 9116 2.3)")

    # Preferred-Languages: at most once, comma-separated RFC 5646 tags (RFC 9116 2.5.8).
    languages: tuple[str, ...] = ()
    language_fields = values.get("preferred-languages", [])
    if len(language_fields) > 1:
        out.errors.append("Preferred-Languages appears more than once (RFC 9116 2.5.8)")
    if language_fields:
        number, raw = language_fields[0]
        languages = tuple(tag.strip(" \t") for tag in raw.split(","))
        for tag in languages:
            # RFC 9116 2.5.8: tags as in RFC 5646, i.e. valid against the IANA Language Subtag Registry.
            if (problem := language_tag_problem(tag)) is not None:
                out.line_error(f"line {number}: Preferred-Languages: {problem} (RFC 9116 2.5.8)")

    # CSAF: must point to a provider-metadata.json (CSAF 2.0 7.1.8, registered in the security.txt registry).
    for value in uris.get("csaf", []):
        if not value.lower().startswith("https://") or not value.split("?")[0].endswith("provider-metadata.json"):
            out.errors.append(f"CSAF {value} must be an https URI of a provider-metadata.json (CSAF 2.0 7.1.8)")

    encryption = tuple(uris.get("encryption", []))
    if any(c.lower().startswith("mailto:") for c in contacts) and not encryption:
        out.recommendations.append("a mailto: Contact without an Encryption key: add Encryption (RFC 9116 2.5.4)")

    if out.line_errors > MAX_REPORTED_LINE_ERRORS:
        out.errors.append(f"and {out.line_errors - MAX_REPORTED_LINE_ERRORS} more line errors")
    return SecurityTxtReport(
        errors=tuple(out.errors),
        warnings=tuple(out.warnings),
        recommendations=tuple(out.recommendations),
        fields=tuple(fields),
        contacts=contacts,
        expires=expires,
        canonical=canonical,
        encryption=encryption,
        policy=tuple(uris.get("policy", [])),
        preferred_languages=languages,
        signed=signed,
        signature_verified=None,
        truncated_at=out.truncated_at,
        unseen=tuple(out.unseen),
    )


def _normalise_url(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}{sep}{host.lower().rstrip('.')}{slash}{path}"
