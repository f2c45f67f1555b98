"""Make src/domeinwacht/language_subtags.txt, the compact extract of the IANA Language Subtag Registry.

    python scripts/extract_language_subtags.py REGISTRY "SOURCE NOTE" > src/domeinwacht/language_subtags.txt

REGISTRY is the registry in its published record-jar format (RFC 5646 3.1; e.g. the copy the `langcodes` wheel
ships as ``langcodes/data/language-subtag-registry.txt``), or the JSON the `language-tags` wheel ships as
``language_tags/data/json/registry.json`` (one object per record, with ``meta.json`` beside it for the
File-Date). The output keeps what validating a tag needs (RFC 5646 2.2.9): one line per record,
``TYPE SUBTAG-OR-TAG [PREFERRED-VALUE]``, where a third column marks a deprecated record and names its
replacement (``-`` when it has none). Ranges (``qaa..qtz``) stay ranges.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _record_jar(text: str) -> tuple[str, list[dict[str, str]]]:
    """The File-Date and the records (continuation lines dropped, first value of a repeated field kept)."""
    file_date = ""
    out: list[dict[str, str]] = []
    for chunk in text.split("\n%%\n"):
        record: dict[str, str] = {}
        for line in chunk.splitlines():
            if line.startswith(" "):
                continue  # a continued Description/Comments: not needed
            name, _, value = line.partition(":")
            record.setdefault(name.strip(), value.strip())
        if "File-Date" in record:
            file_date = record["File-Date"]
        elif "Type" in record:
            out.append(record)
    return file_date, out


def _json(path: Path) -> tuple[str, list[dict[str, str]]]:
    meta = path.with_name("meta.json")
    file_date = json.loads(meta.read_text(encoding="utf-8"))["File-Date"] if meta.is_file() else ""
    return file_date, [{k: v for k, v in r.items() if isinstance(v, str)} for r in json.loads(path.read_text())]


def main(path: str, source: str) -> None:
    registry = Path(path)
    if registry.suffix == ".json":
        file_date, found = _json(registry)
    else:
        file_date, found = _record_jar(registry.read_text(encoding="utf-8"))
    print("# The IANA Language Subtag Registry (RFC 5646 3), compact extract for validating language tags.")
    print(f"# Source: registry File-Date {file_date},")
    print(f"#   {source};")
    print("#   made by scripts/extract_language_subtags.py.")
    print("# Format: TYPE SUBTAG-OR-TAG [PREFERRED-VALUE]; a third column marks a deprecated record ('-': none).")
    print(f"# file-date {file_date}")
    for record in found:
        key = record.get("Subtag") or record.get("Tag") or ""
        line = f"{record['Type']} {key}"
        if "Deprecated" in record:
            line += " " + record.get("Preferred-Value", "-")
        print(line)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
