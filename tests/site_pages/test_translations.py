"""Every string of the public pages has its Dutch text (the msgids are English)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "domeinwacht" / "web" / "public" / "locale"
TEMPLATES = LOCALE.parent / "templates"


def _entries(po: Path) -> list[tuple[str, list[str]]]:
    """(msgid, msgstrs) of every entry but the header."""
    entries, field, current = [], None, {}
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        match = re.match(r"^(msgid_plural|msgid|msgstr(?:\[\d\])?) (\".*\")$", line)
        if match:
            if match.group(1) == "msgid" and current:
                entries.append(current)
                current = {}
            field = match.group(1)
            current[field] = json.loads(match.group(2))
        elif line.startswith('"') and field:
            current[field] += json.loads(line)
    entries.append(current)
    return [(e["msgid"], [v for k, v in e.items() if k.startswith("msgstr")]) for e in entries if e.get("msgid")]


def test_every_dutch_entry_is_translated():
    untranslated = [msgid for msgid, strs in _entries(LOCALE / "nl" / "LC_MESSAGES" / "django.po") if not all(strs)]
    assert untranslated == []


def test_every_string_marked_in_the_templates_has_an_entry():
    entries = {msgid for msgid, _ in _entries(LOCALE / "nl" / "LC_MESSAGES" / "django.po")}
    marked = set()
    for template in TEMPLATES.rglob("*.html"):
        marked.update(re.findall(r'{% translate "([^"]+)"', template.read_text(encoding="utf-8")))
    assert marked - entries == set()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_catalogues_compile(tmp_path, language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po)], check=True)


def test_no_entry_is_fuzzy():
    for language in ("nl", "en"):
        assert "#, fuzzy" not in (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")


def test_no_other_apps_catalogue_overrides_the_sites_dutch():
    """Apps listed earlier (Django's admin) win for the same msgid: "Change" would read "Wijzigen"."""
    from django.utils import translation

    with translation.override("nl"):
        overridden = {
            msgid: translation.gettext(msgid)
            for msgid, strs in _entries(LOCALE / "nl" / "LC_MESSAGES" / "django.po")
            if len(strs) == 1 and translation.gettext(msgid) != strs[0]
        }
    assert overridden == {}
