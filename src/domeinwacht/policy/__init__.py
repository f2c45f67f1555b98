"""Policy: profiles as data, scoring and severity.

    from domeinwacht.policy import load_profile, score_domain, score_organisation

    profile = load_profile("nl-ptolu-2025")          # policy/profiles/nl-ptolu-2025.yaml, validated
    ctx = CheckContext(profile=profile.tls_profile,   # the NCSC TLS thresholds the profile applies
                       dmarc_spec=profile.dmarc_spec) # and its DMARC specification (RFC 7489 or DMARCbis)
    score = score_domain(results, profile)            # compliance per standard, findings, light, percentages
    org = score_organisation([score, ...])            # share compliant per standard, worst light

The NCSC TLS guideline tables are in ``checks/tls/ncsc_tls.py`` (owned by the TLS checks).
"""

from domeinwacht.policy.profile import (
    Level,
    Profile,
    ProfileError,
    available,
    load_file,
)
from domeinwacht.policy.profile import load as load_profile
from domeinwacht.policy.scoring import (
    DomainScore,
    Finding,
    OrgScore,
    Outcome,
    Severity,
    TrafficLight,
    score_domain,
    score_json,
    score_organisation,
)

__all__ = [
    "DomainScore",
    "Finding",
    "Level",
    "OrgScore",
    "Outcome",
    "Profile",
    "ProfileError",
    "Severity",
    "TrafficLight",
    "available",
    "load_file",
    "load_profile",
    "score_domain",
    "score_json",
    "score_organisation",
]
