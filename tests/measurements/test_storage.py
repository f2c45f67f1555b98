"""Content-addressed observation storage: identical observations share one key; expanding restores the bag."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.web.measurements.storage import canonical, compact, digest, expand

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


def test_key_order_does_not_change_the_digest():
    assert digest({"a": 1, "b": [1, 2]}) == digest({"b": [1, 2], "a": 1})
    assert canonical({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def test_a_shared_endpoint_is_one_blob_for_two_domains():
    mx = {"host": "mx.shared.nl", "ip": "192.0.2.25", "version": "TLSv1.3"}
    refs_a, blobs_a = compact({"mail": {"domain": "a.nl"}, "mail_tls": [mx]})
    refs_b, blobs_b = compact({"mail": {"domain": "b.nl"}, "mail_tls": [mx]})
    assert refs_a["mail_tls"] == refs_b["mail_tls"]
    assert len(blobs_a.keys() | blobs_b.keys()) == 3


@given(st.dictionaries(st.sampled_from(["dns", "web", "web_tls", "mail"]), json_values, max_size=4))
def test_expand_restores_what_compact_split(bag):
    refs, blobs = compact(bag)
    assert expand(refs, {key: data for key, (_, data) in blobs.items()}) == bag
