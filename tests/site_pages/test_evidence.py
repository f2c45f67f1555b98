"""A check's evidence as rows per address and port (web/public/evidence.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.web.public import evidence


def test_a_list_of_endpoints_gives_one_row_per_address_and_port():
    rows = evidence.rows(
        {
            "endpoints": [
                {"host": "a.nl", "ip": "192.0.2.1", "port": 443, "status": "pass", "detail": "max-age=31536000"},
                {"host": "a.nl", "ip": "2001:db8::1", "port": 443, "status": "fail", "detail": "no header"},
            ]
        }
    )
    assert [(r.endpoint, r.status) for r in rows] == [("192.0.2.1:443", "pass"), ("[2001:db8::1]:443", "fail")]


def test_endpoints_keyed_by_address_use_their_summary():
    rows = evidence.rows({"endpoints": {"192.0.2.1:443": {"status": "pass", "summary": "valid for 199 days"}}})
    assert rows == [evidence.Row("192.0.2.1:443", "", "pass", "valid for 199 days")]


def test_addresses_without_a_port_are_rows_too():
    rows = evidence.rows({"addresses": [{"ip": "192.0.2.1", "host": "ns1.nl", "status": "pass", "roas": ["x"]}]})
    assert rows == [evidence.Row("192.0.2.1", "ns1.nl", "pass", "x")]


def test_evidence_without_addresses_has_no_rows():
    assert evidence.rows({"name": "_dmarc.a.nl", "records": []}) == []


def test_the_stored_evidence_is_shown_whole_up_to_a_cap():
    text = evidence.as_text({"records": ["x" * (evidence.MAX_JSON_CHARS * 2)]})
    assert len(text) <= evidence.MAX_JSON_CHARS + 2 and text.endswith("…")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.sampled_from(["endpoints", "addresses", "ip", "x"]), c),
    max_leaves=20,
)


@given(json_values)
def test_any_stored_evidence_gives_rows_without_failing(value):
    assert isinstance(evidence.rows(value), list)
