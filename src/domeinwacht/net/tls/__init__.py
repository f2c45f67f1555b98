"""The TLS prober: the only place the TLS protocol is spoken (raw ClientHellos on asyncio streams).

Public API::

    obs = await probe_tls(ip, 443, "www.example.nl", env)                       # web
    obs = await probe_tls(ip, 25, mx_name, env, starttls=smtp_preamble, purpose="mail")
    other = await probe_tls_name(obs, "shop.example.nl", env)   # same ip:port, another name: one handshake

``probe_tls`` never raises for network or protocol trouble; the returned ``TlsObservation`` carries
``error`` with the reason. See docs/TLS.md for what is measured, how, and what it costs in connections.
"""

from domeinwacht.net.tls._prober import KNOWN_DH_PRIMES, dh_params, group_name, probe_tls, probe_tls_name
from domeinwacht.net.tls._session import ProbeError, StartTls
from domeinwacht.net.tls._wire import TlsProtocolError
from domeinwacht.tls_registry import (
    GROUPS,
    SIGNATURE_SCHEMES,
    SUITES,
    SUITES_BY_NAME,
    VERSIONS,
    CipherSuite,
    signature_hash,
    suites_for_version,
)

__all__ = [
    "GROUPS",
    "KNOWN_DH_PRIMES",
    "SIGNATURE_SCHEMES",
    "SUITES",
    "SUITES_BY_NAME",
    "VERSIONS",
    "CipherSuite",
    "ProbeError",
    "StartTls",
    "TlsProtocolError",
    "dh_params",
    "group_name",
    "probe_tls",
    "probe_tls_name",
    "signature_hash",
    "suites_for_version",
]
