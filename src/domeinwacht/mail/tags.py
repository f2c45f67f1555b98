"""Tag=value lists (RFC 6376 3.2), the syntax shared by DKIM keys, DMARC, MTA-STS and TLS-RPT records."""

from __future__ import annotations

import re


class TagSyntaxError(ValueError):
    """The text is not a tag-list (the message says where)."""


_TAG_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def parse_tags(text: str) -> list[tuple[str, str]]:
    """``"v=DMARC1; p=reject"`` -> ``[("v", "DMARC1"), ("p", "reject")]``, order kept, names lower-cased.

    Whitespace around tags and values is dropped; an empty trailing element (``"a=b;"``) is allowed. A
    duplicate tag is an error (RFC 6376 3.2: "Tags with duplicate names MUST NOT occur").
    """
    tags: list[tuple[str, str]] = []
    seen: set[str] = set()
    for index, element in enumerate(text.split(";")):
        if not element.strip():
            if index == len(text.split(";")) - 1:
                continue
            raise TagSyntaxError(f"empty tag at position {index + 1}")
        name, eq, value = element.partition("=")
        name = name.strip()
        if not eq or not _TAG_NAME.match(name):
            raise TagSyntaxError(f"{element.strip()!r} is not a tag=value pair")
        key = name.lower()
        if key in seen:
            raise TagSyntaxError(f"tag {key!r} appears twice")
        seen.add(key)
        tags.append((key, value.strip(" \t\r\n")))
    return tags
