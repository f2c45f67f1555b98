import pytest

from domeinwacht.net.guard import AddressGuard, NonPublicAddressError, classify


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.1.1", "private"),
        ("172.16.0.1", "private"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("192.0.2.10", "documentation-range"),
        ("2001:db8::1", "documentation-range"),
        ("::ffff:127.0.0.1", "loopback"),
        ("fc00::1", "private"),
        ("100.64.0.1", "private"),
    ],
)
def test_non_public_addresses_are_classified(address, why):
    assert classify(address) == why


@pytest.mark.parametrize("address", ["9.9.9.9", "2a00:1450:4001::1"])
def test_global_addresses_are_public(address):
    assert classify(address) is None


def test_guard_refuses_non_public_by_default_with_a_clear_message():
    with pytest.raises(NonPublicAddressError, match=r"refusing to connect to 10\.0\.0\.1: private"):
        AddressGuard().check("10.0.0.1")


def test_guard_allows_non_public_when_lifted():
    AddressGuard(allow_non_public=True).check("192.0.2.1")
