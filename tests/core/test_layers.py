"""The layers of docs/ARCHITECTURE.md hold: the import-linter contracts in pyproject.toml are kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_linter_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_no_module_of_net_imports_scan():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "src/domeinwacht/net").rglob("*.py")
        if "domeinwacht.scan" in path.read_text("utf-8")
    ]
    assert offenders == []
