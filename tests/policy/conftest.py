"""Policy test helpers: the CHECKS.md catalogue parsed from the shared standards, and result builders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SET_SECTIONS = {"TLS": "tls", "Certificates": "cert", "RPKI": "rpki"}


def parse_catalogue(checks_md: Path) -> frozenset[str]:
    """Every concrete check id of CHECKS.md; the shared TLS/certificate/RPKI sets expanded for web and mail."""
    ids: set[str] = set()
    section = ""
    for line in checks_md.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].split(" (")[0].strip()
            continue
        if not line.startswith("| `"):
            continue
        first_cell, rule = line.split("|")[1], "|".join(line.split("|")[2:])
        for check_id in re.findall(r"`([a-z0-9_.*]+)`", first_cell):
            if check_id.endswith(".*"):
                continue  # a reference to a set, expanded from its own table
            kind = SET_SECTIONS.get(section)
            if kind is None:
                ids.add(check_id)
                continue
            assert check_id.startswith(kind + "."), (section, check_id)
            families = ("web",) if "web only" in rule else ("web", "mail")
            ids.update(f"{family}.{check_id}" for family in families)
    return frozenset(ids)


@pytest.fixture(scope="session")
def standards_dir(shared_data: Path) -> Path:
    path = shared_data.parent / "standards"
    assert (path / "CHECKS.md").is_file(), f"{path}/CHECKS.md is missing"
    return path


@pytest.fixture(scope="session")
def catalogue(standards_dir: Path) -> frozenset[str]:
    return parse_catalogue(standards_dir / "CHECKS.md")
