"""Make src/domeinwacht/language_subtags.txt, the compact extract of the IANA Language Subtag Registry.

    python scripts/extract_language_subtags.py path/to/language-subtag-registry.txt > \
        src/domeinwacht/language_subtags.txt

The input is the registry in its published record-jar format (RFC 5646 3.1), e.g. the copy the `langcodes`
wheel ships as ``langcodes/data/language-subtag-registry.txt``. The output keeps what validating a tag needs
(RFC 5646 2.2.9): one line per record, ``TYPE SUBTAG-OR-TAG [PREFERRED-VALUE]`` where a third column marks a
deprecated record and names its replacement (``-`` when it has none). Ranges (``qaa..qtz``) stay ranges.
"""

from __future__ import annotations

import sys
from pathlib import Path


def records(text: str) -> tuple[str, list[dict[str, str]]]:
    """The File-Date and the records (continuation lines joined, first value of a repeated field kept)."""
    file_date = ""
    out: list[dict[str, str]] = []
    for chunk in text.split("\n%%\n"):
        record: dict[str, str] = {}
        last = ""
        for line in chunk.splitlines():
            if line.startswith(" ") and last:
                continue  # a continued Description/Comments: not needed
            name, _, value = line.partition(":")
            last = name.strip()
            record.setdefault(last, value.strip())
        if "File-Date" in record:
            file_date = record["File-Date"]
        elif "Type" in record:
            out.append(record)
    return file_date, out


def main(path: str) -> None:
    file_date, found = records(Path(path).read_text(encoding="utf-8"))
    print("# The IANA Language Subtag Registry (RFC 5646 3), compact extract for validating language tags.")
    print(f"# Source: registry File-Date {file_date}, as shipped in the langcodes 3.5.1 wheel (PyPI, 2025-12),")
    print("#   langcodes/data/language-subtag-registry.txt; made by scripts/extract_language_subtags.py.")
    print("# Format: TYPE SUBTAG-OR-TAG [PREFERRED-VALUE]; a third column marks a deprecated record ('-': none).")
    print(f"# file-date {file_date}")
    for record in found:
        key = record.get("Subtag") or record.get("Tag") or ""
        line = f"{record['Type']} {key}"
        if "Deprecated" in record:
            line += " " + record.get("Preferred-Value", "-")
        print(line)


if __name__ == "__main__":
    main(sys.argv[1])
