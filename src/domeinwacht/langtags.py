"""Language tags (RFC 5646, BCP 47): is a tag well-formed and valid against the IANA Language Subtag Registry?

    language_tag_problem("nl")       -> None
    language_tag_problem("English")  -> "'English' is not a registered language subtag (RFC 5646 2.2.1)"

"Valid" is RFC 5646 2.2.9: well-formed (the 2.1 grammar), every language, extended language, script, region and
variant subtag registered (or in a private-use range), no variant and no extension singleton twice; a
grandfathered tag is valid as a whole. Extension and private-use subtags are checked for syntax only, as 2.2.9
says. The registry is the compact extract ``language_subtags.txt`` next to this module (its header names the
source and the File-Date; ``scripts/extract_language_subtags.py`` makes it), read once on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Registry", "language_tag_problem", "registry"]

_ALPHA = re.compile(r"^[a-z]+$")
_ALNUM = re.compile(r"^[a-z0-9]+$")
_DIGITS = re.compile(r"^[0-9]+$")


@dataclass(frozen=True, slots=True)
class Registry:
    """The registered subtags by type (lower case), the range records, and the registry's File-Date."""

    file_date: str
    subtags: dict[str, frozenset[str]]
    ranges: dict[str, tuple[tuple[str, str], ...]]

    def has(self, kind: str, subtag: str) -> bool:
        if subtag in self.subtags.get(kind, frozenset()):
            return True
        # RFC 5646 3.1.1: a range ("qaa..qtz") registers every subtag of the same length between its ends.
        return any(len(lo) == len(subtag) and lo <= subtag <= hi for lo, hi in self.ranges.get(kind, ()))


@cache
def registry() -> Registry:
    """The registry extract shipped with the package (read once)."""
    text = resources.files("domeinwacht").joinpath("language_subtags.txt").read_text(encoding="utf-8")
    file_date = ""
    subtags: dict[str, set[str]] = {}
    ranges: dict[str, list[tuple[str, str]]] = {}
    for line in text.splitlines():
        if line.startswith("# file-date "):
            file_date = line.split()[-1]
        if not line or line.startswith("#"):
            continue
        kind, key = line.split()[:2]
        key = key.lower()
        if ".." in key:
            lo, _, hi = key.partition("..")
            ranges.setdefault(kind, []).append((lo, hi))
        else:
            subtags.setdefault(kind, set()).add(key)
    return Registry(
        file_date,
        {kind: frozenset(values) for kind, values in subtags.items()},
        {kind: tuple(values) for kind, values in ranges.items()},
    )


def _private_use(parts: list[str], tag: str) -> str | None:
    # RFC 5646 2.1: privateuse = "x" 1*("-" (1*8alphanum))
    if len(parts) < 2 or any(not (1 <= len(p) <= 8 and _ALNUM.match(p)) for p in parts[1:]):
        return f"{tag!r}: a private-use part needs 'x-' and subtags of 1-8 letters or digits (RFC 5646 2.2.7)"
    return None


def _is_variant(part: str) -> bool:
    # RFC 5646 2.1: variant = 5*8alphanum / (DIGIT 3alphanum)
    return bool(_ALNUM.match(part)) and (5 <= len(part) <= 8 or (len(part) == 4 and part[0].isdigit()))


def language_tag_problem(tag: str) -> str | None:
    """``None`` when ``tag`` is a valid RFC 5646 language tag, otherwise the reason (one line, naming the clause)."""
    reg = registry()
    lowered = tag.lower()
    if not tag:
        return "an empty language tag (RFC 5646 2.1)"
    if not lowered.isascii() or not all(p and _ALNUM.match(p) for p in lowered.split("-")):
        return f"{tag!r} is not a language tag: subtags are letters and digits separated by '-' (RFC 5646 2.1)"
    if reg.has("grandfathered", lowered):
        return None  # RFC 5646 2.2.8: grandfathered tags are valid as a whole
    parts = lowered.split("-")
    written = tag.split("-")  # for the messages: the subtags as the publisher wrote them
    if parts[0] == "x":
        return _private_use(parts, tag)
    language = parts[0]
    if not _ALPHA.match(language) or not 2 <= len(language) <= 8:
        return f"{tag!r}: the primary language subtag {written[0]!r} must be 2-8 letters (RFC 5646 2.2.1)"
    if len(language) == 4:
        return f"{tag!r}: four-letter primary language subtags are reserved (RFC 5646 2.2.1)"
    if not reg.has("language", language):
        return f"{written[0]!r} is not a registered language subtag (RFC 5646 2.2.1, IANA registry {reg.file_date})"
    index = 1
    # extlang = 3ALPHA *2("-" 3ALPHA), only after a 2-3 letter language (RFC 5646 2.2.2)
    extlangs = 0
    while index < len(parts) and len(language) <= 3 and len(parts[index]) == 3 and _ALPHA.match(parts[index]):
        if extlangs == 3:
            return f"{tag!r}: at most three extended language subtags (RFC 5646 2.2.2)"
        if not reg.has("extlang", parts[index]):
            return f"{tag!r}: {written[index]!r} is not a registered extended language subtag (RFC 5646 2.2.2)"
        extlangs += 1
        index += 1
    if index < len(parts) and len(parts[index]) == 4 and _ALPHA.match(parts[index]):
        if not reg.has("script", parts[index]):
            return f"{tag!r}: {written[index]!r} is not a registered script subtag (RFC 5646 2.2.3)"
        index += 1
    if index < len(parts) and (
        (len(parts[index]) == 2 and _ALPHA.match(parts[index]))
        or (len(parts[index]) == 3 and _DIGITS.match(parts[index]))
    ):
        if not reg.has("region", parts[index]):
            return f"{tag!r}: {written[index]!r} is not a registered region subtag (RFC 5646 2.2.4)"
        index += 1
    variants: set[str] = set()
    while index < len(parts) and _is_variant(parts[index]):
        if parts[index] in variants:
            return f"{tag!r}: variant {parts[index]!r} appears twice (RFC 5646 2.2.5)"
        if not reg.has("variant", parts[index]):
            return f"{tag!r}: {written[index]!r} is not a registered variant subtag (RFC 5646 2.2.5)"
        variants.add(parts[index])
        index += 1
    singletons: set[str] = set()
    while index < len(parts) and len(parts[index]) == 1 and parts[index] != "x":
        # extension = singleton 1*("-" (2*8alphanum)) (RFC 5646 2.2.6)
        singleton = parts[index]
        if singleton in singletons:
            return f"{tag!r}: extension {singleton!r} appears twice (RFC 5646 2.2.6)"
        singletons.add(singleton)
        index += 1
        start = index
        while index < len(parts) and 2 <= len(parts[index]) <= 8:
            index += 1
        if index == start:
            return f"{tag!r}: extension {singleton!r} has no subtags of 2-8 characters (RFC 5646 2.2.6)"
    if index < len(parts) and parts[index] == "x":
        return _private_use(parts[index:], tag)
    if index < len(parts):
        return f"{tag!r}: subtag {written[index]!r} is out of place or malformed (RFC 5646 2.1)"
    return None
