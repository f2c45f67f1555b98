"""`domeinwacht resolver up --lab` (root hints and trust anchor of the lab root), then `check` through it: the
same verdicts as through the lab's own resolver (issue 15)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from domeinwacht import resolver
from domeinwacht.cli import main

pytestmark = pytest.mark.lab

DOMAINS = ("green.test", "bogus-ds.test", "unsigned.test", "tld-ds-broken.example", "nsec.test")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def embedded(lab: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("DOMEINWACHT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DOMEINWACHT_RESOLVER_ADDRESS", f"127.0.0.1:{_free_port()}")
    try:
        assert main(["resolver", "up", "--lab"]) == 0
        yield resolver.address()
    finally:
        resolver.down()


def _verdicts(capsys: Any, *argv: str) -> dict[str, dict[str, str]]:
    assert main(["check", *DOMAINS, "--lab", "--format", "json", "--timeout", "90", *argv]) == 0
    reports = json.loads(capsys.readouterr().out)
    return {r["domain"]: {cid: c["status"] for cid, c in r["checks"].items()} for r in reports}


def test_check_through_the_embedded_resolver_matches_the_labs_resolver(embedded: str, capsys: Any) -> None:
    status = resolver.status()
    assert status["running"] and status["label"] == "lab"
    through_lab = _verdicts(capsys)
    through_embedded = _verdicts(capsys, "--resolver", embedded)
    differences = {
        (domain, cid): (through_lab[domain][cid], through_embedded[domain].get(cid))
        for domain in DOMAINS
        for cid in through_lab[domain]
        if through_lab[domain][cid] != through_embedded[domain].get(cid)
    }
    assert differences == {}
    assert through_embedded["green.test"]["dns.dnssec.secure"] == "pass"
    assert through_embedded["bogus-ds.test"]["dns.dnssec.secure"] == "fail"
    assert through_embedded["tld-ds-broken.example"]["dns.dnssec.secure"] == "error"


def test_the_embedded_resolver_passes_the_preflight_and_is_the_default(embedded: str, capsys: Any) -> None:
    assert main(["resolver", "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["address"] == embedded
    from domeinwacht.cli._scan_args import embedded_resolver

    assert embedded_resolver() == (embedded,)
