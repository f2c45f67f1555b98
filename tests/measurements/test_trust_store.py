"""The trust store a measurement's certificates are judged by is kept with the measurement, so re-scoring it
later does not depend on the CA file still being there (the lab's CA is gone once the lab is down)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from domeinwacht.checks.cert._chain import trust_roots
from domeinwacht.scan.env import ScanOptions
from domeinwacht.scan.single import check_context
from domeinwacht.web.measurements.evaluation import context
from domeinwacht.web.measurements.service import TargetSpec, create_measurement, scan_options

pytestmark = pytest.mark.django_db
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def test_a_measurement_stores_the_content_of_its_ca_file(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text(PEM)
    measurement = create_measurement(
        name="m", profile="nl-wdo", targets=[TargetSpec("a.example.nl")], options=ScanOptions(ca_file=ca)
    )
    ca.unlink()
    assert measurement.options["trust_pem"] == PEM
    ctx = context("nl-wdo", measurement.observed_at, scan_options(measurement), measurement.options["trust_pem"])
    assert ctx.options["ca_pem"] == PEM.encode()


def test_a_trust_store_that_is_gone_and_not_stored_is_no_trust_store(tmp_path: Path) -> None:
    options = dataclasses.replace(ScanOptions(), ca_file=tmp_path / "gone.pem")
    ctx = check_context(options)
    assert ctx.options["ca_missing"] is True
    roots, source = trust_roots(ctx.options)
    assert roots == ()
    assert "gone" in source
