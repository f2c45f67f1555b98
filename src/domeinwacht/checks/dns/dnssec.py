"""dns.dnssec.secure and dns.dnssec.algorithms (CHECKS.md "DNS")."""

from __future__ import annotations

from domeinwacht.checks.catalogue import DNS_DNSSEC_ALGORITHMS, DNS_DNSSEC_SECURE
from domeinwacht.checks.dns import above_registrable_domain, dnssec_evidence, dnssec_status_result
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.observations.dns import DnsObservation
from domeinwacht.observations.dnssec import DnssecStatus

# RFC 8624 §3.1 (and RFC 9904): algorithms that MUST NOT or are NOT RECOMMENDED for signing.
WEAK_ALGORITHMS = {
    1: "RSAMD5",
    3: "DSA",
    5: "RSASHA1",
    6: "DSA-NSEC3-SHA1",
    7: "RSASHA1-NSEC3-SHA1",
    12: "ECC-GOST",
}
ALGORITHM_NAMES = {
    **WEAK_ALGORITHMS,
    8: "RSASHA256",
    10: "RSASHA512",
    13: "ECDSAP256SHA256",
    14: "ECDSAP384SHA384",
    15: "ED25519",
    16: "ED448",
}
# RFC 8624 §3.3: SHA-1 DS digests MUST NOT be created any more; GOST neither.
WEAK_DIGESTS = {1: "SHA-1", 3: "GOST R 34.11-94"}
DIGEST_NAMES = {**WEAK_DIGESTS, 2: "SHA-256", 4: "SHA-384"}
RSA_ALGORITHMS = {1, 5, 7, 8, 10}
MIN_RSA_BITS = 2048  # CHECKS.md dns.dnssec.algorithms; NIST SP 800-57 / RFC 8624 §3.1 practice


@check(DNS_DNSSEC_SECURE, area="dns")
def dnssec_secure(obs: DnsObservation, ctx: CheckContext) -> CheckResult:
    return dnssec_status_result(DNS_DNSSEC_SECURE, obs.dnssec, error=obs.dnssec_error)


@check(DNS_DNSSEC_ALGORITHMS, area="dns")
def dnssec_algorithms(obs: DnsObservation, ctx: CheckContext) -> CheckResult:
    cid = DNS_DNSSEC_ALGORITHMS
    result = obs.dnssec
    if result is None:
        return CheckResult.error(cid, obs.dnssec_error or "DNSSEC was not validated")
    link = result.zone_link
    if DnssecStatus(result.status) is DnssecStatus.INDETERMINATE and (link is None or not link.dnskeys):
        return CheckResult.error(cid, f"DNSSEC keys of {obs.domain} unknown: {result.reason}")
    status = DnssecStatus(result.status)
    if status in (DnssecStatus.INSECURE, DnssecStatus.BOGUS) and above_registrable_domain(result.broken_zone):
        # The walk never reached the domain's own keys: nothing of the domain's to judge (dns.dnssec.secure names
        # the zone above it where the chain broke).
        where = result.broken_zone.rstrip(".") or "the root"
        return CheckResult.error(cid, f"DNSSEC keys of {obs.domain} unknown: the chain of trust breaks at {where}")
    own_zones = {obs.domain, obs.zone}
    if link is None or not link.dnskeys or link.zone.rstrip(".") not in own_zones:
        return CheckResult(
            cid,
            Status.NOT_APPLICABLE,
            f"{obs.zone or obs.domain} is not signed: there are no DNSSEC algorithms to judge.",
            {"zone": result.zone, "dnssec": str(result.status)},
        )
    keys = [
        {
            "key_tag": k.key_tag,
            "algorithm": k.algorithm,
            "algorithm_name": ALGORITHM_NAMES.get(k.algorithm, str(k.algorithm)),
            "flags": k.flags,
            **({"bits": k.key_bits} if k.algorithm in RSA_ALGORITHMS else {}),
        }
        for k in link.dnskeys
    ]
    ds = [
        {
            "key_tag": d.key_tag,
            "algorithm": d.algorithm,
            "digest_type": d.digest_type,
            "digest_name": DIGEST_NAMES.get(d.digest_type, str(d.digest_type)),
        }
        for d in link.ds
    ]
    problems: list[str] = []
    for k in link.dnskeys:
        if k.algorithm in WEAK_ALGORITHMS:  # RFC 8624 §3.1: MUST NOT / NOT RECOMMENDED for signing
            problems.append(f"DNSKEY {k.key_tag} uses algorithm {k.algorithm} ({WEAK_ALGORITHMS[k.algorithm]})")
        if k.algorithm in RSA_ALGORITHMS and 0 < k.key_bits < MIN_RSA_BITS:
            problems.append(f"DNSKEY {k.key_tag} is a {k.key_bits}-bit RSA key (< {MIN_RSA_BITS})")
    for d in link.ds:
        if d.digest_type in WEAK_DIGESTS:  # RFC 8624 §3.3: SHA-1 DS digests MUST NOT be created
            problems.append(f"DS {d} at the parent uses digest type {d.digest_type} ({WEAK_DIGESTS[d.digest_type]})")
    evidence = {"zone": link.zone, "dnskeys": keys, "ds": ds, "dnssec": dnssec_evidence(result)["status"]}
    if problems:
        return CheckResult(
            cid,
            Status.WARNING,
            f"{link.zone.rstrip('.')} uses outdated DNSSEC cryptography: " + "; ".join(problems) + ".",
            evidence,
            "Roll the zone to algorithm 13 (ECDSAP256SHA256) or 8 (RSASHA256 with ≥ 2048-bit keys) and publish "
            "SHA-256 DS records only (RFC 8624 §3.1 and §3.3; RFC 6781 for the rollover).",
        )
    return CheckResult(
        cid,
        Status.PASS,
        f"{link.zone.rstrip('.')} signs with current algorithms and key sizes, and its DS digests are SHA-256 "
        "or stronger.",
        evidence,
    )
