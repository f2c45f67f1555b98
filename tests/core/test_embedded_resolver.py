"""The embedded resolver (domeinwacht.resolver): its Unbound configuration, its data and its use as default."""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

import pytest

from domeinwacht import resolver
from domeinwacht.cli._scan_args import scan_options
from domeinwacht.net.dnssec import ROOT_ANCHORS, load_trust_anchors


def _conf(tmp_path: Path) -> str:
    return resolver.render_config(resolver.internet_setup(), tmp_path, "127.0.0.1", 8053)


def test_it_validates_iterates_from_the_root_and_minimises_qnames(tmp_path: Path) -> None:
    text = _conf(tmp_path)
    assert 'module-config: "validator iterator"' in text
    assert "qname-minimisation: yes" in text
    assert f'root-hints: "{resolver.internet_setup().root_hints}"' in text
    assert "forward-zone" not in text.replace("# no forward-zone", "")
    assert "interface: 127.0.0.1" in text


def test_the_shipped_trust_anchor_is_the_iana_root_ksks() -> None:
    shipped = load_trust_anchors(resolver.internet_setup().trust_anchor)
    built_in = load_trust_anchors(None)
    assert shipped.ds == built_in.ds
    assert "20326 8 2" in ROOT_ANCHORS and "38696 8 2" in ROOT_ANCHORS


def test_the_shipped_root_hints_name_thirteen_root_servers() -> None:
    lines = [ln for ln in resolver.internet_setup().root_hints.read_text().splitlines() if not ln.startswith(";")]
    assert sum(" NS " in ln for ln in lines) == 13
    assert sum(" AAAA " in ln for ln in lines) == 13


@pytest.mark.skipif(shutil.which("unbound-checkconf") is None, reason="unbound is not installed")
def test_unbound_accepts_the_configuration(tmp_path: Path) -> None:
    conf = tmp_path / "unbound.conf"
    conf.write_text(_conf(tmp_path))
    done = subprocess.run(["unbound-checkconf", str(conf)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_non_loopback_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOMEINWACHT_RESOLVER_ADDRESS", "192.0.2.1:53")
    with pytest.raises(resolver.ResolverError, match="loopback only"):
        resolver.up()


def test_status_says_not_running_without_a_pid_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOMEINWACHT_DATA_DIR", str(tmp_path))
    assert resolver.status()["running"] is False
    assert resolver.running_address() is None


def _args(**overrides: object) -> argparse.Namespace:
    values: dict[str, object] = {
        "resolver": [],
        "trust_anchor": None,
        "ca_file": None,
        "vrp_file": None,
        "pfx2as_file": None,
        "timeout": 10.0,
        "lab": False,
        "allow_non_public": False,
        "dkim_selector": [],
    }
    values.update(overrides)
    return argparse.Namespace(**values)


def test_check_and_measure_use_the_running_embedded_resolver_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolver, "running_address", lambda: "127.0.0.1:8053")
    assert scan_options(_args()).resolver == ("127.0.0.1:8053",)
    assert scan_options(_args(resolver=["192.0.2.53"])).resolver == ("192.0.2.53",)  # --resolver wins


def test_without_the_embedded_resolver_the_system_resolver_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolver, "running_address", lambda: None)
    assert scan_options(_args()).resolver == ()
