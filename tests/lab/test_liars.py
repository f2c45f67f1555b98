"""The lab's scripted lying resolver (lab/liars.py), without a lab: what each mode does to a question."""

from __future__ import annotations

import asyncio

import dns.flags
import dns.message
import dns.rcode

from domeinwacht.lab.liars import answer, main


def test_the_nxdomain_liar_answers_nxdomain_for_the_root_itself() -> None:
    query = dns.message.make_query(".", "NS")
    response = asyncio.run(answer(query, "nxdomain", "192.0.2.1"))
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert response.id == query.id
    assert response.flags & dns.flags.QR


def test_an_unknown_mode_is_a_one_line_usage_error(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["198.51.100.53", "poison=198.51.100.7"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
