"""SPF policy analysis (mail.spf.* input): the term tree, the final all, lookup and void limits."""

from __future__ import annotations

import asyncio
from typing import Any

from domeinwacht.mail.spf import SpfAnswer, SpfDnsError
from domeinwacht.mail.spf_policy import SpfAnalysis, analyse_spf

from .spf_zone import ZoneDns, load_zone


def analyse(zonedata: dict[str, Any], domain: str = "example.nl") -> SpfAnalysis:
    return asyncio.run(analyse_spf(domain, ZoneDns(load_zone(zonedata))))


def test_a_policy_ending_in_minus_all_through_includes() -> None:
    result = analyse(
        {
            "example.nl": [{"TXT": "v=spf1 include:_spf.example.nl -all"}],
            "_spf.example.nl": [{"TXT": "v=spf1 ip4:192.0.2.0/24 ?all"}],
        }
    )
    assert result.status == "ok" and result.all_qualifier == "-"
    assert result.domains == ("example.nl", "_spf.example.nl")
    assert result.dns_terms == 1


def test_the_all_comes_from_the_redirect_target() -> None:
    result = analyse(
        {
            "example.nl": [{"TXT": "v=spf1 mx redirect=_spf.example.org"}],
            "_spf.example.org": [{"TXT": "v=spf1 ip4:192.0.2.1 ~all"}],
        }
    )
    assert (result.all_qualifier, result.all_domain) == ("~", "_spf.example.org")
    assert result.dns_terms == 2


def test_redirect_is_ignored_when_the_record_has_all() -> None:
    result = analyse({"example.nl": [{"TXT": "v=spf1 +all redirect=other.nl"}]})
    assert result.all_qualifier == "+" and result.domains == ("example.nl",)


def test_no_all_gives_no_qualifier() -> None:
    assert analyse({"example.nl": [{"TXT": "v=spf1 ip4:192.0.2.1"}]}).all_qualifier is None


def test_more_than_ten_dns_terms_over_the_tree_is_a_permerror() -> None:
    zone = {
        "example.nl": [{"TXT": "v=spf1 include:a.example.nl include:b.example.nl -all"}],
        "a.example.nl": [{"TXT": "v=spf1 a mx a mx a"}, {"A": "192.0.2.1"}, {"MX": [10, "mx.example.nl"]}],
        "b.example.nl": [{"TXT": "v=spf1 a mx a mx"}, {"A": "192.0.2.1"}, {"MX": [10, "mx.example.nl"]}],
    }
    result = analyse(zone)
    assert result.status == "permerror" and "more than 10" in result.reason


def test_more_than_two_void_lookups_is_a_permerror() -> None:
    result = analyse({"example.nl": [{"TXT": "v=spf1 a:x1.example.nl a:x2.example.nl mx:x3.example.nl -all"}]})
    assert result.status == "permerror" and result.void_lookups == 3
    assert result.void_names == ("x1.example.nl", "x2.example.nl", "x3.example.nl")


def test_an_include_without_record_is_a_permerror() -> None:
    result = analyse({"example.nl": [{"TXT": "v=spf1 include:gone.example.nl -all"}]})
    assert result.status == "permerror" and "gone.example.nl" in result.reason


def test_an_include_loop_ends_in_the_lookup_limit() -> None:
    result = analyse(
        {
            "example.nl": [{"TXT": "v=spf1 include:loop.example.nl -all"}],
            "loop.example.nl": [{"TXT": "v=spf1 include:loop.example.nl"}],
        }
    )
    assert result.status == "permerror"


def test_macro_targets_are_listed_not_followed() -> None:
    result = analyse({"example.nl": [{"TXT": "v=spf1 exists:%{i}._spf.example.nl -all"}]})
    assert result.status == "ok" and result.macro_terms and result.dns_terms == 1


def test_two_records_and_no_record() -> None:
    assert analyse({"example.nl": [{"TXT": "v=spf1 -all"}, {"TXT": "v=spf1 ~all"}]}).status == "multiple"
    assert analyse({"example.nl": [{"TXT": "google-site-verification=x"}]}).status == "none"


def test_a_syntax_error_is_a_permerror() -> None:
    assert analyse({"example.nl": [{"TXT": "v=spf1 ip4:192.0.2.300 -all"}]}).status == "permerror"


def test_a_dns_timeout_is_a_temperror() -> None:
    assert analyse({"example.nl": ["TIMEOUT"]}).status == "temperror"


def test_a_dns_error_below_is_a_temperror() -> None:
    class Failing:
        async def query(self, name: str, rdtype: str) -> SpfAnswer:
            if name == "example.nl":
                return SpfAnswer("NOERROR", ("v=spf1 include:broken.example.nl -all",))
            raise SpfDnsError("SERVFAIL")

    result = asyncio.run(analyse_spf("example.nl", Failing()))
    assert result.status == "temperror" and "broken.example.nl" in result.reason
