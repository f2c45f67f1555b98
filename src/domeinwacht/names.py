"""Host names and registered domains: one parser for the whole project.

Everything that takes a name from outside (a register file, a URL in a data set, a CLI argument, a CNAME target)
passes it through here, so every module agrees on what a name is:

- :func:`normalise_hostname` turns text into the canonical form: A-labels (``xn--…``), lowercase, no trailing dot.
  It raises :class:`InvalidName` with a precise reason for anything that is not a bare host name.
- :func:`registered_domain` gives the registrable domain (eTLD+1 by the Public Suffix List), e.g.
  ``www.amsterdam.nl`` → ``amsterdam.nl``.
- :func:`hostname_from_url` takes the host out of a web address (``https://www.amsterdam.nl/x`` → ``www.amsterdam.nl``);
  the scheme may be missing (``www.aalburg.nl``), as it often is in registers.
- :func:`display_name` gives the U-label form for people (``xn--bcher-kva.nl`` → ``bücher.nl``).

Rules, with their source:
- RFC 1035 2.3.4: a label is at most 63 octets, a name at most 255 octets on the wire, i.e. 253 characters in
  text form without the trailing dot.
- RFC 952 / RFC 1123 2.1 (LDH rule): letters, digits and hyphen; no hyphen at the start or end of a label.
- RFC 5891 4.2.1: labels with ``--`` in positions 3 and 4 are reserved unless they are valid ``xn--`` A-labels.
- RFC 3696 2: the top-level label is never all-numeric (so ``1.2.3.4`` and ``256.1.1.1`` are not names).
- UTS 46 mapping (non-transitional) and IDNA 2008 (RFC 5891/5892) via the ``idna`` library.
- UTS 39 5.2 (restriction levels): one label may not mix scripts, except the customary Han combinations for
  Japanese and Korean; a Cyrillic or Greek label made only of letters that look like Latin ones is a whole-script
  confusable and is refused as well.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from functools import lru_cache
from typing import Final
from urllib.parse import urlsplit

import idna
from publicsuffixlist import PublicSuffixList

__all__ = [
    "MAX_LABEL_LENGTH",
    "MAX_NAME_LENGTH",
    "InvalidName",
    "display_name",
    "host_or_url",
    "hostname_from_url",
    "is_public_suffix",
    "is_within",
    "normalise_hostname",
    "public_suffix",
    "registered_domain",
]

MAX_LABEL_LENGTH: Final = 63  # RFC 1035 2.3.4
MAX_NAME_LENGTH: Final = 253  # RFC 1035 2.3.4 (255 octets on the wire)

_LDH = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_PORT = re.compile(r":\d*$")
# Scripts that may share a label with Han (UTS 39 5.2, "highly restrictive"), plus Latin for Japanese.
_ALLOWED_MIXES: Final = (
    frozenset({"HAN", "HIRAGANA", "KATAKANA", "LATIN"}),
    frozenset({"HAN", "HANGUL", "LATIN"}),
    frozenset({"HAN", "BOPOMOFO", "LATIN"}),
)
# Cyrillic and Greek letters that are indistinguishable from Latin ones in common fonts (UTS 39 confusables).
_LATIN_LOOKALIKES: Final = frozenset("аеорсухіјѕԁһӏԛԝвкмнтъьёїαεικνορτυχϲ")


class InvalidName(ValueError):
    """The text is not an acceptable host name; ``reason`` says precisely why."""

    def __init__(self, reason: str, text: str | None = None) -> None:
        self.reason = reason
        self.text = text
        super().__init__(f"{text!r}: {reason}" if text is not None else reason)


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    # The list ships inside the publicsuffixlist wheel: no download at run time.
    return PublicSuffixList()


def _script(char: str) -> str | None:
    """The script of a letter (first word of its Unicode name), or None for digits, marks and punctuation."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    if not name:
        return "UNKNOWN"
    first = name.split(" ", 1)[0]
    if first == "CJK":
        return "HAN"
    if first == "KATAKANA-HIRAGANA":
        return None  # the prolonged sound mark is used by both
    return first


def _check_scripts(ulabel: str) -> None:
    scripts = {s for s in map(_script, ulabel) if s is not None}
    if len(scripts) > 1 and not any(scripts <= allowed for allowed in _ALLOWED_MIXES):
        raise InvalidName(f"label {ulabel!r} mixes scripts ({', '.join(sorted(scripts))}); possible confusable")
    if scripts & {"CYRILLIC", "GREEK"} and all(c in _LATIN_LOOKALIKES or not c.isalpha() for c in ulabel):
        raise InvalidName(f"label {ulabel!r} only uses letters that look like Latin ones; whole-script confusable")


def _check_ascii_label(label: str) -> str:
    if len(label) > MAX_LABEL_LENGTH:
        raise InvalidName(f"label {label[:20]!r}… is {len(label)} bytes; at most {MAX_LABEL_LENGTH} allowed")
    if not _LDH.match(label):
        if label.startswith("-") or label.endswith("-"):
            raise InvalidName(f"label {label!r} starts or ends with a hyphen")
        bad = sorted({c for c in label if not (c.isascii() and (c.isalnum() or c == "-"))})
        raise InvalidName(f"label {label!r} contains characters not allowed in host names: {''.join(bad)!r}")
    if label[2:4] == "--":
        if not label.startswith("xn--"):
            raise InvalidName(f"label {label!r} has '--' in positions 3-4, reserved for IDNA (RFC 5891 4.2.1)")
        try:
            ulabel = idna.ulabel(label)
            if idna.alabel(ulabel).decode("ascii") != label:
                raise InvalidName(f"A-label {label!r} is not in canonical form")
        except (idna.IDNAError, UnicodeError) as exc:
            raise InvalidName(f"A-label {label!r} is not valid IDNA: {exc}") from None
        _check_scripts(ulabel)
    return label


def _to_alabel(label: str) -> str:
    """One label (already UTS 46 mapped) as a checked, lowercase A-label."""
    if not label:
        raise InvalidName("empty label (two dots in a row, or a leading dot)")
    if label.isascii():
        return _check_ascii_label(label)
    try:
        alabel = idna.alabel(label).decode("ascii")
    except (idna.IDNAError, UnicodeError) as exc:
        raise InvalidName(f"label {label!r} is not valid IDNA: {exc}") from None
    if len(alabel) > MAX_LABEL_LENGTH:
        raise InvalidName(f"label {label!r} is {len(alabel)} bytes as an A-label; at most {MAX_LABEL_LENGTH} allowed")
    _check_scripts(label)
    return alabel


def _is_ip_address(text: str) -> bool:
    candidate = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    try:
        ipaddress.ip_address(candidate.split("%", 1)[0])
    except ValueError:
        return False
    return True


def normalise_hostname(text: str, *, allow_public_suffix: bool = False) -> str:
    """The canonical form of a host name: A-labels, lowercase, no trailing dot.

    Raises :class:`InvalidName` for an empty text, a URL (scheme, path, query, port, user), an IP address, a
    label over 63 bytes, a name over 253 bytes, an empty label, characters outside the LDH rule, invalid IDNA,
    a mixed-script or whole-script confusable label, an all-numeric top-level label, and (unless
    ``allow_public_suffix``) a name that is itself a public suffix such as ``nl`` or ``co.uk``.
    """
    if not isinstance(text, str):
        raise InvalidName(f"expected text, got {type(text).__name__}")
    original = text
    text = text.strip()
    try:
        return _normalise(text, allow_public_suffix)
    except InvalidName as exc:
        raise InvalidName(exc.reason, original) from None


def _normalise(text: str, allow_public_suffix: bool) -> str:
    if not text:
        raise InvalidName("empty name")
    if len(text) > 4 * MAX_NAME_LENGTH:
        raise InvalidName(f"name is {len(text)} characters; at most {MAX_NAME_LENGTH} allowed")
    if _is_ip_address(text):
        raise InvalidName("an IP address, not a host name")
    if "://" in text:
        raise InvalidName("a URL, not a bare host name (remove the scheme)")
    if any(c.isspace() for c in text):
        raise InvalidName("contains white space")
    for char, what in (("/", "a path"), ("?", "a query"), ("#", "a fragment"), ("@", "user information")):
        if char in text:
            raise InvalidName(f"contains {what} ({char!r}); expected a bare host name")
    if _PORT.search(text):
        raise InvalidName("contains a port; expected a bare host name")
    try:
        # UTS 46: case folding, full-width and ideographic dots, NFC. Not transitional: ß stays ß.
        mapped = idna.uts46_remap(text, std3_rules=False, transitional=False)
    except (idna.IDNAError, UnicodeError) as exc:
        raise InvalidName(f"not valid IDNA: {exc}") from None
    if mapped.endswith("."):
        mapped = mapped[:-1]  # one trailing dot: the fully qualified form of the same name
    if not mapped:
        raise InvalidName("empty name")
    labels = [_to_alabel(label) for label in mapped.split(".")]
    name = ".".join(labels)
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidName(f"name is {len(name)} bytes; at most {MAX_NAME_LENGTH} allowed")
    if labels[-1].isdigit():
        raise InvalidName("top-level label is all-numeric (RFC 3696 2); not a host name")  # e.g. 999.1.1.1
    if not allow_public_suffix and _psl().is_public(name):
        if len(labels) == 1 and _psl().publicsuffix(name) == name and not _known_tld(name):
            raise InvalidName("single-label name; a host name needs a registered domain")
        raise InvalidName(f"{name!r} is a public suffix, not a name under one")
    return name


def _known_tld(name: str) -> bool:
    # accept_unknown=False makes the list answer None for suffixes it does not contain.
    return _strict_psl().publicsuffix(name) is not None


@lru_cache(maxsize=1)
def _strict_psl() -> PublicSuffixList:
    return PublicSuffixList(accept_unknown=False)


def public_suffix(hostname: str) -> str:
    """The public suffix (eTLD) of a name, e.g. ``nl`` for ``www.amsterdam.nl``."""
    name = normalise_hostname(hostname, allow_public_suffix=True)
    suffix = _psl().publicsuffix(name)
    assert suffix is not None  # accept_unknown=True: every name has a suffix
    return str(suffix)


def is_public_suffix(hostname: str) -> bool:
    """Whether the (valid) name is itself a public suffix, such as ``nl`` or ``co.uk``."""
    return bool(_psl().is_public(normalise_hostname(hostname, allow_public_suffix=True)))


def registered_domain(hostname: str) -> str:
    """The registered domain (public suffix plus one label) of a host name; raises InvalidName for a bare suffix."""
    name = normalise_hostname(hostname)
    domain = _psl().privatesuffix(name)
    if domain is None:  # pragma: no cover - normalise_hostname already refuses bare suffixes
        raise InvalidName(f"{name!r} is a public suffix, not a name under one", hostname)
    return str(domain)


def hostname_from_url(url: str) -> str:
    """The normalised host of a web address; a missing scheme means http (``www.aalburg.nl/x`` is fine)."""
    if not isinstance(url, str):
        raise InvalidName(f"expected text, got {type(url).__name__}")
    text = url.strip()
    if not text:
        raise InvalidName("empty URL", url)
    if "\\" in text:
        # Browsers read a backslash as a slash, urllib does not: refuse rather than guess (parser differential).
        raise InvalidName("URL contains a backslash", url)
    if "://" not in text:
        if re.match(r"^[a-z][a-z0-9+.-]*:(?!\d)", text, re.IGNORECASE):
            raise InvalidName(f"scheme {text.split(':', 1)[0]!r} is not a web address", url)
        text = "http://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        raise InvalidName(f"not a valid URL: {exc}", url) from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise InvalidName(f"scheme {parts.scheme!r} is not a web address", url)
    if not host:
        raise InvalidName("URL has no host", url)
    # urlsplit lowercases ASCII only; the netloc keeps the original for IDNA mapping.
    netloc = parts.netloc.rsplit("@", 1)[-1]
    if netloc.startswith("["):
        raise InvalidName("URL host is an IP address, not a host name", url)
    raw_host = _PORT.sub("", netloc)
    try:
        return normalise_hostname(raw_host)
    except InvalidName as exc:
        raise InvalidName(exc.reason, url) from None


def host_or_url(text: str) -> tuple[str, str]:
    """A host name typed by a person, or the host of a web address pasted in its place: (host, note). The note is
    empty for a host name and says which host was used for a web address (``https://www.amsterdam.nl/afval``)."""
    try:
        return normalise_hostname(text), ""
    except InvalidName:
        if not isinstance(text, str) or ("://" not in text and "/" not in text.strip()):
            raise
    host = hostname_from_url(text)
    return host, f"a web address: its host {host} was used"


def is_within(hostname: str, domain: str) -> bool:
    """Whether ``hostname`` is ``domain`` or a name under it (label-wise: ``xamsterdam.nl`` is not under
    ``amsterdam.nl``). Both are normalised first."""
    host = normalise_hostname(hostname, allow_public_suffix=True)
    parent = normalise_hostname(domain, allow_public_suffix=True)
    return host == parent or host.endswith("." + parent)


def display_name(hostname: str) -> str:
    """The name for people: U-labels where the name has A-labels (``xn--bcher-kva.nl`` → ``bücher.nl``)."""
    name = normalise_hostname(hostname, allow_public_suffix=True)
    labels = []
    for label in name.split("."):
        if label.startswith("xn--"):
            labels.append(idna.ulabel(label))
        else:
            labels.append(label)
    return ".".join(labels)
