"""The evaluation context of a measurement takes the policy profile's TLS guideline and DMARC specification."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from domeinwacht.policy import load_profile
from domeinwacht.scan.env import ScanOptions
from domeinwacht.web.measurements import evaluation

AT = datetime(2026, 6, 1, tzinfo=UTC)


def test_the_context_applies_the_profiles_dmarc_specification(monkeypatch):
    bis = replace(load_profile("nl-ptolu-2025"), dmarc_spec="dmarcbis")
    monkeypatch.setattr(evaluation, "load_profile", lambda _id: bis)
    ctx = evaluation.context("nl-ptolu-2025", AT, ScanOptions())
    assert (ctx.dmarc_spec, ctx.profile, ctx.now) == ("dmarcbis", "ncsc-2025-05", AT)


def test_the_shipped_profiles_give_rfc7489():
    assert evaluation.context("nl-wdo", AT, ScanOptions()).dmarc_spec == "rfc7489"
