"""The NCSC-NL TLS guideline profiles as data (``checks/tls/ncsc_tls/<profile>.yaml``) and their classifiers.

Two profiles: ``ncsc-2025-05`` (Internet.nl, comply-or-explain) and ``ncsc-2.1.1`` (cited by the Wdo
decree). Every classifier returns one of ``good``, ``sufficient``, ``phase_out``, ``insufficient``; checks turn
that into a status with ``status_for`` (insufficient -> fail, phase_out -> warning, else pass).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final, Literal, cast

import yaml

from domeinwacht.checks.result import Status
from domeinwacht.observations.tls import DhParams
from domeinwacht.tls_registry import SUITES_BY_NAME, CipherSuite

Classification = Literal["good", "sufficient", "phase_out", "insufficient"]
CLASSES: Final[tuple[Classification, ...]] = ("good", "sufficient", "phase_out", "insufficient")
PROFILES: Final = ("ncsc-2025-05", "ncsc-2.1.1")

_STATUS: Final[dict[str, Status]] = {
    "good": Status.PASS,
    "sufficient": Status.PASS,
    "phase_out": Status.WARNING,
    "insufficient": Status.FAIL,
}


class UnknownProfileError(ValueError):
    """The profile id is not one of ``PROFILES``."""


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    title: str
    data: Mapping[str, Any]


@cache
def load_profile(profile_id: str) -> Profile:
    """The profile ``profile_id`` (cached); ``UnknownProfileError`` for an unknown id."""
    if profile_id not in PROFILES:
        raise UnknownProfileError(f"unknown TLS profile {profile_id!r}; known: {', '.join(PROFILES)}")
    text = resources.files(__package__).joinpath("ncsc_tls", f"{profile_id}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    _validate(data)
    return Profile(data["id"], data["title"], data)


def _validate(data: Mapping[str, Any]) -> None:
    def cls(value: object, where: str) -> None:
        if value not in CLASSES:
            raise ValueError(f"profile {data.get('id')}: {where} has class {value!r}")

    for key in ("versions", "tls13_suites", "groups", "hashes"):
        for name, value in data[key].items():
            cls(value, f"{key}.{name}")
    for rule in data["suite_rules"]:
        cls(rule["class"], "suite_rules")
    if data["suite_rules"][-1].keys() != {"class"}:
        raise ValueError("the last suite rule must be the default (class only)")


def _profile(profile: Profile | str) -> Profile:
    return profile if isinstance(profile, Profile) else load_profile(profile)


def status_for(classification: str) -> Status:
    """insufficient -> fail, phase_out -> warning, good/sufficient -> pass."""
    return _STATUS[classification]


def classify_version(profile: Profile | str, version: str) -> Classification:
    return cast(Classification, _profile(profile).data["versions"].get(version, "insufficient"))


def _matches(rule: Mapping[str, Any], suite: CipherSuite) -> bool:
    values = {
        "kex": suite.kex,
        "auth": suite.auth,
        "family": suite.family,
        "mac": suite.mac,
    }
    for key, wanted in rule.items():
        if key == "class":
            continue
        if key == "export":
            if bool(wanted) != suite.export:
                return False
        elif values[key] not in wanted:
            return False
    return True


def classify_suite(profile: Profile | str, suite: CipherSuite | str) -> Classification:
    """Class of a cipher suite (IANA name or ``CipherSuite``); an unknown name is insufficient."""
    p = _profile(profile)
    entry = SUITES_BY_NAME.get(suite) if isinstance(suite, str) else suite
    if entry is None:
        return "insufficient"
    if entry.kex == "ANY":  # TLS 1.3
        return cast(Classification, p.data["tls13_suites"].get(entry.name, "insufficient"))
    for rule in p.data["suite_rules"]:
        if _matches(rule, entry):
            return cast(Classification, rule["class"])
    return "insufficient"  # unreachable: the last rule is the default


def classify_group(profile: Profile | str, group: str) -> Classification:
    p = _profile(profile)
    return cast(Classification, p.data["groups"].get(group, p.data["group_default"]))


def classify_dh(profile: Profile | str, params: DhParams) -> Classification:
    """A DHE group from a ServerKeyExchange: an ffdhe group by name, anything else by the dh_other rules."""
    p = _profile(profile)
    if params.group is not None and params.group.startswith("ffdhe"):
        return classify_group(p, params.group)
    for rule in p.data["dh_other"]:
        if params.bits >= rule["min_bits"]:
            return cast(Classification, rule["class"])
    return "insufficient"


def classify_hash(profile: Profile | str, hash_name: str) -> Classification:
    """``SHA256`` etc.; ``intrinsic`` (EdDSA) is good; unknown is insufficient."""
    if hash_name == "intrinsic":
        return "good"
    return cast(Classification, _profile(profile).data["hashes"].get(hash_name, "insufficient"))


def classify_cert_key(profile: Profile | str, kind: str, *, bits: int = 0, curve: str | None = None) -> Classification:
    """``kind`` is ``rsa``, ``ec``, ``ed25519``, ``ed448``, ``dsa``; ``bits`` for RSA, ``curve`` for EC."""
    keys = _profile(profile).data["cert_keys"]
    if kind == "rsa":
        for rule in keys["rsa"]:
            if bits >= rule["min_bits"]:
                return cast(Classification, rule["class"])
        return "insufficient"
    if kind == "ec":
        return cast(Classification, keys["ec_curves"].get(curve or "", keys["ec_default"]))
    return cast(Classification, keys.get(kind, "insufficient"))


def extension_setting(profile: Profile | str, key: str) -> Any:
    """A setting from the profile's ``extensions`` block (e.g. ``ems_required``)."""
    return _profile(profile).data["extensions"][key]
