"""``web.http.compression``: HTTP compression on HTTPS responses (CHECKS.md: Content-Encoding: info, BREACH).

Compression of secret-bearing responses over TLS enables BREACH (CVE-2013-3587). The observer offers
``Accept-Encoding: gzip, deflate``; a response that uses it is reported as info so that the owner can judge
whether the page reflects user input next to secrets. No Content-Encoding: pass.
"""

from __future__ import annotations

from domeinwacht.checks.catalogue import WEB_HTTP_COMPRESSION
from domeinwacht.checks.registry import CheckContext, check
from domeinwacht.checks.result import CheckResult, Status
from domeinwacht.checks.web._common import Finding, conclude, https_findings, unusable
from domeinwacht.observations.web import HttpResponse, WebEndpoint, WebHost, WebObservation

CHECK_ID = WEB_HTTP_COMPRESSION


def _judge(host: WebHost, endpoint: WebEndpoint, response: HttpResponse) -> Finding:
    where = (host.name, endpoint.ip, response.port)
    encoding = response.header("content-encoding")
    codings = [c.strip().lower() for c in (encoding or "").split(",") if c.strip()]
    if any(c != "identity" for c in codings):
        return Finding(*where, Status.INFO, f"Content-Encoding: {encoding}", {"content_encoding": encoding})
    return Finding(*where, Status.PASS, "no HTTP compression", {"content_encoding": encoding})


@check(CHECK_ID, area="web")
def compression(obs: WebObservation, ctx: CheckContext) -> CheckResult:
    if (broken := unusable(CHECK_ID, obs)) is not None:
        return broken
    return conclude(
        CHECK_ID,
        https_findings(
            obs, _judge, without_https=Status.NOT_APPLICABLE, without_https_detail="no HTTPS on this address"
        ),
        summaries={
            Status.PASS: "HTTPS responses are not compressed.",
            Status.INFO: "HTTPS responses are compressed (BREACH: judge whether secrets and input share a page).",
            Status.NOT_APPLICABLE: "No address serves HTTPS, so nothing is compressed over TLS.",
        },
        remedy=(
            "Where pages carry secrets (CSRF tokens, session data) and reflect user input, disable HTTP "
            "compression for them or mitigate BREACH (CVE-2013-3587), e.g. by masking tokens per response. "
            "NCSC ICT-beveiligingsrichtlijnen voor TLS, Internet.nl HTTP compression."
        ),
    )
