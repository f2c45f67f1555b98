"""The lab's RFC 6962 log: Merkle tree hashes and the two endpoints, on loopback (no root needed)."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import threading
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st

from domeinwacht.lab.ct import Log, make_handler, merkle_leaf, mth


def h(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def test_empty_tree_hash_is_the_hash_of_nothing():
    assert mth([]) == h(b"")


def test_three_leaf_tree_follows_rfc6962_section_2_1():
    a, b, c = b"a", b"b", b"c"
    left = h(b"\x01" + h(b"\x00" + a) + h(b"\x00" + b))
    assert mth([a, b, c]) == h(b"\x01" + left + h(b"\x00" + c))


@settings(deadline=None)  # shared, loaded machine: no per-example deadline
@given(st.lists(st.binary(max_size=8), min_size=2, max_size=20))
def test_tree_hash_splits_at_the_largest_power_of_two(leaves):
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    assert mth(leaves) == h(b"\x01" + mth(leaves[:k]) + mth(leaves[k:]))


def test_merkle_leaf_encodes_an_x509_entry():
    leaf = merkle_leaf(1234, b"DER")
    assert leaf[:2] == b"\x00\x00" and leaf[10:12] == b"\x00\x00"
    assert leaf[12:15] == (3).to_bytes(3, "big") and leaf[15:18] == b"DER"


@pytest.fixture
def server():
    key = ec.generate_private_key(ec.SECP256R1())
    entries = [
        {
            "leaf": base64.b64encode(f"cert{i}".encode()).decode(),
            "chain": [base64.b64encode(b"inter").decode()],
            "timestamp": 1000 + i,
        }
        for i in range(5)
    ]
    log = Log(entries, key)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(log))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", log, key
    httpd.shutdown()
    httpd.server_close()


def get(url: str):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)


def test_get_sth_is_signed_over_the_tree_head(server):
    base, _, key = server
    sth = get(f"{base}/ct/v1/get-sth")
    assert sth["tree_size"] == 5
    sig = base64.b64decode(sth["tree_head_signature"])
    assert sig[:2] == b"\x04\x03"
    tbs = struct.pack(">BBQQ", 0, 1, sth["timestamp"], 5) + base64.b64decode(sth["sha256_root_hash"])
    key.public_key().verify(sig[4:], tbs, ec.ECDSA(hashes.SHA256()))


def test_get_entries_returns_the_range_and_bad_ranges_are_400(server):
    base, _, _ = server
    entries = get(f"{base}/ct/v1/get-entries?start=1&end=2")["entries"]
    assert len(entries) == 2
    assert base64.b64decode(entries[0]["leaf_input"]).endswith(b"cert1\x00\x00")
    with pytest.raises(urllib.error.HTTPError) as err:
        get(f"{base}/ct/v1/get-entries?start=9&end=10")
    err.value.close()
    assert err.value.code == 400
