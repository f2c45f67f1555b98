"""``web.security_txt``: RFC 9116 security.txt on every address of every web host.

CHECKS.md: valid at ``/.well-known/security.txt`` over HTTPS: pass; only at legacy ``/security.txt``: warning;
missing: fail (comply-or-explain since 2023); invalid or expired: fail with each error. The validation rules are
in ``domeinwacht.securitytxt`` (shared/standards/SECURITY_TXT.md).
"""

from __future__ import annotations

from typing import Any

from domeinwacht.checks.catalogue import WEB_SECURITY_TXT
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.checks.web._common import (
    Finding,
    conclude,
    https_closed,
    lookup_failures,
    primary_host,
    unusable,
)
from domeinwacht.observations.web import SecurityTxtFetch, WebObservation
from domeinwacht.securitytxt import SecurityTxtReport, validate_security_txt

CHECK_ID = WEB_SECURITY_TXT
WELL_KNOWN = "/.well-known/security.txt"

REMEDY = (
    "Publish a valid security.txt at https://{host}/.well-known/security.txt (RFC 9116): served as "
    '"text/plain; charset=utf-8", with at least one Contact (mailto:, tel: or https:) and exactly one Expires '
    "less than a year ahead; renew it before it expires. security.txt is on the Forum Standaardisatie "
    "comply-or-explain list."
)


def _report(fetch: SecurityTxtFetch, ctx: CheckContext) -> SecurityTxtReport:
    return validate_security_txt(
        fetch.body,
        content_type=fetch.content_type,
        fetched_from=(fetch.url, fetch.final_url),
        now=ctx.now,
        truncated=fetch.body_truncated,
    )


def _fetch_evidence(fetch: SecurityTxtFetch) -> dict[str, Any]:
    data: dict[str, Any] = {
        "url": fetch.url,
        "final_url": fetch.final_url,
        "status": fetch.status,
        "content_type": fetch.content_type,
    }
    if len(fetch.hops) > 1:
        data["redirects"] = [hop.url for hop in fetch.hops[1:]]
    if fetch.error:
        data["error"] = fetch.error
    if fetch.tls_error:
        data["tls_error"] = fetch.tls_error
    return data


def _report_evidence(report: SecurityTxtReport) -> dict[str, Any]:
    return {
        "errors": list(report.errors),
        "warnings": list(report.warnings),
        "recommendations": list(report.recommendations),
        "contacts": list(report.contacts),
        "expires": report.expires.isoformat() if report.expires else None,
        "canonical": list(report.canonical),
        "signed": report.signed,
        "signature": None,
    }


def _errors(fetch: SecurityTxtFetch, report: SecurityTxtReport) -> list[str]:
    errors = list(report.errors)
    if fetch.final_url.lower().startswith("http://"):
        # RFC 9116 3: the file MUST be accessed via HTTPS (also after redirects).
        errors.insert(0, f"served over plain HTTP at {fetch.final_url} after redirects (RFC 9116 3)")
    return errors


def _judge(fetches: tuple[SecurityTxtFetch, ...], ctx: CheckContext) -> tuple[Status, str, dict[str, Any]]:
    well_known = next((f for f in fetches if f.url.endswith(WELL_KNOWN)), None)
    legacy = next((f for f in fetches if not f.url.endswith(WELL_KNOWN)), None)
    extra: dict[str, Any] = {"fetches": [_fetch_evidence(f) for f in fetches]}
    if well_known is None:
        return Status.ERROR, "security.txt was not requested", extra
    if well_known.found:
        report = _report(well_known, ctx)
        extra |= _report_evidence(report)
        warnings = list(report.warnings)
        if report.signed:
            # SECURITY_TXT.md: signature validity is reported, not required; a signature that does not
            # verify with the published key is worth a warning (the file may have been altered).
            extra["signature"] = well_known.signature or "not verified"
            if (well_known.signature or "").startswith("bad"):
                warnings.append(f"the OpenPGP signature does not verify: {well_known.signature}")
        if errors := _errors(well_known, report):
            extra["errors"] = errors
            return Status.FAIL, f"{WELL_KNOWN} is invalid: " + "; ".join(errors), extra
        if report.unseen:  # cut at the cap: what is missing may follow the cut; we did not see it
            extra["unseen"] = list(report.unseen)
            detail = f"{WELL_KNOWN} truncated at {report.truncated_at} bytes: " + "; ".join(report.unseen)
            return Status.ERROR, detail, extra
        if warnings:
            extra["warnings"] = warnings
            return Status.WARNING, f"{WELL_KNOWN} is valid with warnings: " + "; ".join(warnings), extra
        return Status.PASS, f"valid {WELL_KNOWN}", extra
    if legacy is not None and legacy.found:
        report = _report(legacy, ctx)
        extra |= _report_evidence(report)
        if errors := _errors(legacy, report):
            extra["errors"] = errors
            return Status.FAIL, "only a legacy /security.txt, and it is invalid: " + "; ".join(errors), extra
        if report.unseen:
            extra["unseen"] = list(report.unseen)
            detail = f"/security.txt truncated at {report.truncated_at} bytes: " + "; ".join(report.unseen)
            return Status.ERROR, detail, extra
        # RFC 9116 3: the legacy location "/security.txt" MAY be used for legacy compatibility.
        return Status.WARNING, f"security.txt only at the legacy /security.txt, not at {WELL_KNOWN}", extra
    failed = [f for f in fetches if f.error is not None and f.status == 0]
    if failed and len(failed) == len(fetches):
        return Status.ERROR, "could not fetch security.txt: " + "; ".join(f"{f.url}: {f.error}" for f in failed), extra
    statuses = ", ".join(f"{f.url} -> {f.status or f.error}" for f in fetches)
    return Status.FAIL, f"no security.txt ({statuses})", extra


@check(CHECK_ID, area="web")
def security_txt(obs: WebObservation, ctx: CheckContext) -> CheckResult:
    if (broken := unusable(CHECK_ID, obs)) is not None:
        return broken
    host = primary_host(obs)
    assert host is not None  # unusable() said there is a web host
    port = obs.https_port
    # The domain's file is judged (like Internet.nl); www is a host of the same organisation whose file
    # usually names the domain's URL as Canonical (RFC 9116 2.5.2 then makes it untrusted on www).
    findings = [f for f in lookup_failures(obs) if f.host == host.name]
    served = any(e.https is not None for e in host.endpoints)
    for endpoint in host.endpoints:
        if not endpoint.security_txt:
            probe = endpoint.port(port)
            reason = probe.error if probe is not None else "not probed"
            if https_closed(obs, endpoint):
                # SECURITY_TXT.md: over HTTPS only. Other addresses serve HTTPS: this one is
                # web.https.available's finding; none does: there is no security.txt at all.
                status = Status.NOT_APPLICABLE if served else Status.FAIL
                findings.append(
                    Finding(host.name, endpoint.ip, port, status, f"no HTTPS, so no security.txt ({reason})")
                )
            else:
                findings.append(Finding(host.name, endpoint.ip, port, Status.ERROR, f"not fetched: {reason}"))
            continue
        status, detail, extra = _judge(endpoint.security_txt, ctx)
        findings.append(Finding(host.name, endpoint.ip, port, status, detail, extra))
    return conclude(
        CHECK_ID,
        findings,
        summaries={
            Status.PASS: f"A valid security.txt is served at https://{host.name}/.well-known/security.txt.",
            Status.WARNING: "security.txt is valid but has warnings, or only at the legacy location.",
            Status.FAIL: "security.txt is missing, invalid or expired.",
        },
        remedy=REMEDY.format(host=host.name),
        evidence={"host": host.name},
    )
