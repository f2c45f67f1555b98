"""The whole-run signal (scan.run_signal): most domains failing the same way is said once, at the top."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.scan.run_signal import domain_symptoms, run_signal


def web(*hosts: dict[str, Any]) -> dict[str, Any]:
    return {"web": {"domain": "x.nl", "hosts": list(hosts)}}


def host(rcode: str = "NOERROR", *, refused: bool | None = None) -> dict[str, Any]:
    endpoints = []
    if refused is not None:
        tcp = [{"ip": "192.0.2.1", "port": p, "open": False, "refused": refused} for p in (80, 443)]
        endpoints.append({"ip": "192.0.2.1", "family": 4, "tcp": tcp})
    return {
        "name": "x.nl",
        "a": {"rdtype": "A", "rcode": rcode},
        "aaaa": {"rdtype": "AAAA", "rcode": rcode},
        "endpoints": endpoints,
    }


NXDOMAIN = web(host("NXDOMAIN"), host("NXDOMAIN"))
REFUSED = web(host(refused=True), host(refused=True))
HEALTHY = web(host(refused=False), host(refused=False))


def test_a_domain_whose_every_lookup_is_nxdomain_shows_the_nxdomain_symptom() -> None:
    assert domain_symptoms(NXDOMAIN) == {"nxdomain"}


def test_a_domain_whose_every_connect_is_refused_shows_connect_refused() -> None:
    assert domain_symptoms(REFUSED) == {"connect_refused"}


def test_one_answering_address_is_no_symptom() -> None:
    assert domain_symptoms(web(host(refused=True), host(refused=False))) == set()
    assert domain_symptoms(web(host("NXDOMAIN"), host())) == set()


def test_without_web_observations_the_dns_alias_chains_decide() -> None:
    dns = {"dns": {"cnames": [{"host": "x.nl", "rcode": "NXDOMAIN"}, {"host": "www.x.nl", "rcode": "NXDOMAIN"}]}}
    assert domain_symptoms(dns) == {"nxdomain"}


def test_most_domains_failing_the_same_way_is_the_runs_signal() -> None:
    signal = run_signal(domain_symptoms(o) for o in [NXDOMAIN] * 9 + [HEALTHY])
    assert signal is not None
    assert (signal.symptom, signal.domains, signal.total) == ("nxdomain", 9, 10)
    assert signal.message.startswith("WHOLE RUN: 9 of 10 domains (90%): every DNS lookup answered NXDOMAIN")


def test_a_minority_is_no_signal() -> None:
    assert run_signal(domain_symptoms(o) for o in [REFUSED] * 7 + [HEALTHY] * 3) is None


def test_malformed_stored_json_is_no_symptom() -> None:
    assert domain_symptoms({"web": {"hosts": [{"endpoints": True, "a": 1}]}}) == set()


def test_no_domains_is_no_signal() -> None:
    assert run_signal([]) is None


@given(
    st.recursive(
        st.none() | st.booleans() | st.text(max_size=8),
        lambda c: st.lists(c) | st.dictionaries(st.text(max_size=8), c),
        max_leaves=20,
    )
)
def test_any_stored_json_gives_a_set_of_known_symptoms(data: Any) -> None:
    found = domain_symptoms(data if isinstance(data, dict) else {"web": data, "dns": data})
    assert found <= {"nxdomain", "connect_refused"}
