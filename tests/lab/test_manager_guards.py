"""The lab refuses a state directory its unprivileged servers cannot reach, with the reason."""

from __future__ import annotations

import pytest

from domeinwacht.lab.manager import LabError, _require_reachable_by_servers


def test_a_private_parent_directory_is_refused_with_the_fix(tmp_path):
    private = tmp_path / "private"
    (private / "lab").mkdir(parents=True)
    private.chmod(0o700)
    with pytest.raises(LabError, match=r"not world-searchable \(chmod o\+x it"):
        _require_reachable_by_servers(private / "lab")
