"""The discovery parsers: wordlist file, CT log entries and dumps, home-page links, wildcard judgement."""

from __future__ import annotations

import datetime as dt
import json
import struct
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given
from hypothesis import strategies as st

from domeinwacht.discovery import ct, links, wordlist
from domeinwacht.discovery.wildcard import Wildcard


def _cert(*names: str) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


def _x509_leaf(der: bytes) -> bytes:
    return struct.pack(">BBQH", 0, 0, 1_700_000_000_000, 0) + len(der).to_bytes(3, "big") + der + b"\x00\x00"


def test_the_packaged_wordlist_gives_every_label_an_origin() -> None:
    rows = wordlist.load()
    assert len(rows) >= 100
    assert all(origin for _, origin in rows)
    assert len({label for label, _ in rows}) == len(rows)


def test_the_short_wordlist_is_the_first_hundred_labels() -> None:
    assert wordlist.labels(short=True) == wordlist.labels()[: wordlist.SHORT]


def test_a_wordlist_line_that_is_not_a_host_label_is_refused_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "words.tsv"
    path.write_text("# comment\nwww\tweb\nnot a label\tbroken\n")
    with pytest.raises(ValueError, match="line 3"):
        wordlist.load(str(path))


@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=200))
def test_a_wordlist_file_either_loads_or_says_which_line_is_wrong(text: str) -> None:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False, encoding="utf-8") as fh:
        fh.write(text)
    try:
        rows = wordlist.load(fh.name)
    except ValueError as exc:
        assert "wordlist line" in str(exc)
    else:
        assert all(label == label.lower() for label, _ in rows)
    finally:
        Path(fh.name).unlink()


def test_an_x509_log_entry_gives_its_certificate_names() -> None:
    der = _cert("portaal.gemeente.test", "*.oud.gemeente.test", "elders.test")
    assert ct.leaf_certificate(_x509_leaf(der), b"") == der
    names = ct.certificate_names(der)
    assert ct.hosts_under(names, "gemeente.test") == {"portaal.gemeente.test", "oud.gemeente.test"}


def test_a_precertificate_entry_reads_the_certificate_from_extra_data() -> None:
    der = _cert("pre.gemeente.test")
    leaf = struct.pack(">BBQH", 0, 0, 1, 1) + b"\x00" * 32 + (3).to_bytes(3, "big") + b"tbs"
    extra = len(der).to_bytes(3, "big") + der + b"\x00\x00\x00"
    assert ct.leaf_certificate(leaf, extra) == der


@given(st.binary(max_size=64), st.binary(max_size=64))
def test_a_log_entry_of_any_bytes_never_raises(leaf: bytes, extra: bytes) -> None:
    der = ct.leaf_certificate(leaf, extra)
    if der is not None:
        ct.certificate_names(der)


def test_a_crt_sh_export_and_a_plain_list_give_their_names() -> None:
    dump = json.dumps([{"name_value": "a.gemeente.test\nb.gemeente.test"}, {"name_value": "*.c.gemeente.test"}])
    assert list(ct.names_from_dump(dump)) == ["a.gemeente.test", "b.gemeente.test", "*.c.gemeente.test"]
    assert list(ct.names_from_dump("# names\nx.gemeente.test\n\ny.gemeente.test extra\n")) == [
        "x.gemeente.test",
        "y.gemeente.test",
    ]


def test_a_broken_json_export_is_one_clear_error() -> None:
    with pytest.raises(ValueError, match="not valid JSON"):
        list(ct.names_from_dump('[{"name_value": '))


def test_links_resolve_relative_urls_and_keep_only_host_names() -> None:
    html = (
        '<a href="https://Loket.Gemeente.test/x">a</a><img src="//cdn.gemeente.test/i.png">'
        '<a href="/local">b</a><form action="https://forms.elders.test/"></form><a href="mailto:x@y.test">m</a>'
    )
    assert links.hosts_in_page(html, "https://www.gemeente.test/") == {
        "loket.gemeente.test",
        "cdn.gemeente.test",
        "www.gemeente.test",
        "forms.elders.test",
    }


@given(st.text(max_size=500))
def test_any_page_text_parses_without_raising(text: str) -> None:
    assert isinstance(links.hosts_in_page(text, "https://www.gemeente.test/"), set)


def test_a_guessed_name_with_the_wildcard_answer_is_explained_by_it() -> None:
    card = Wildcard(True, frozenset({"192.0.2.9"}), frozenset({"parking.hoster.test"}))
    assert card.explains(["192.0.2.9"], ())
    assert card.explains([], ("x.gemeente.test", "parking.hoster.test"))
    assert not card.explains(["192.0.2.10"], ())
    assert not Wildcard(False).explains(["192.0.2.9"], ())
