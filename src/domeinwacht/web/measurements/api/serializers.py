"""Serializers of the measurements API: measurements, results per domain, the checks of one result, figures."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from domeinwacht.web.measurements.models import CheckOutcome, Measurement, Result


class MeasurementSerializer(serializers.ModelSerializer[Measurement]):
    targets = serializers.IntegerField(source="target_count", read_only=True)
    measured = serializers.IntegerField(source="done_count", read_only=True)
    simulated = serializers.SerializerMethodField(help_text="A measurement of the lab: simulated data.")
    derived_from: serializers.SlugRelatedField[Measurement] = serializers.SlugRelatedField(
        slug_field="name", read_only=True, allow_null=True
    )
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="Check verdicts per status.")

    class Meta:
        model = Measurement
        fields = (
            "name",
            "profile",
            "status",
            "observed_at",
            "finished_at",
            "targets",
            "measured",
            "simulated",
            "derived_from",
            "counts",
        )

    def get_simulated(self, measurement: Measurement) -> bool:
        return bool(measurement.selection.get("simulated"))


def _score(result: Result) -> dict[str, Any]:
    return result.score or {}


class ResultSerializer(serializers.ModelSerializer[Result]):
    """One domain's outcome in one measurement."""

    measurement = serializers.CharField(source="measurement.name", read_only=True)
    organisation = serializers.CharField(source="target.organisation_name", read_only=True)
    organisation_slug = serializers.SerializerMethodField()
    organisation_type = serializers.CharField(source="target.organisation_type", read_only=True)
    traffic_light = serializers.SerializerMethodField()
    internetnl = serializers.SerializerMethodField(help_text="Internet.nl-style total score, 0-100.")
    standards = serializers.SerializerMethodField(help_text="Outcome per standard.")
    findings = serializers.SerializerMethodField(help_text="Check ids of the unexplained findings.")
    observer_failures = serializers.DictField(source="failures", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Result
        fields: tuple[str, ...] = (
            "measurement",
            "domain",
            "organisation",
            "organisation_slug",
            "organisation_type",
            "traffic_light",
            "internetnl",
            "standards",
            "findings",
            "observer_failures",
        )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_organisation_slug(self, result: Result) -> str | None:
        org = result.target.organisation
        return org.slug if org else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_traffic_light(self, result: Result) -> str | None:
        return _score(result).get("traffic_light")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_internetnl(self, result: Result) -> int | None:
        return (_score(result).get("internetnl") or {}).get("total")

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_standards(self, result: Result) -> dict[str, str]:
        return {name: s.get("outcome") for name, s in sorted(_score(result).get("standards", {}).items())}

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_findings(self, result: Result) -> list[str]:
        return [f["check_id"] for f in _score(result).get("findings", []) if not f.get("explained")]


class CheckOutcomeSerializer(serializers.ModelSerializer[CheckOutcome]):
    """The verdict of one check: status, summary, the evidence it rests on and the remedy."""

    evidence = serializers.JSONField(read_only=True)

    class Meta:
        model = CheckOutcome
        fields = ("check_id", "status", "summary", "evidence", "remedy")


class ResultDetailSerializer(ResultSerializer):
    checks = CheckOutcomeSerializer(many=True, read_only=True)

    class Meta(ResultSerializer.Meta):
        fields = (*ResultSerializer.Meta.fields, "checks")


class FiguresSerializer(serializers.Serializer[Any]):
    """The published figures of a measurement (the report's JSON without the per-domain and per-organisation
    lists, which are the ``results`` and ``organisations`` endpoints)."""

    measurement = serializers.DictField()
    overall = serializers.DictField(help_text="Share compliant per standard, traffic lights, findings.")
    organisation_types = serializers.DictField(help_text="The same figures per organisation type (layer).")
    change = serializers.DictField(help_text="Change since the previous measurement, in percentage points.")
    furthest_behind = serializers.ListField(child=serializers.DictField())


class OrganisationFiguresSerializer(serializers.Serializer[Any]):
    """One organisation's figures in one measurement."""

    measurement = serializers.CharField()
    observed_at = serializers.CharField()
    simulated = serializers.BooleanField()
    organisation = serializers.CharField(allow_null=True)
    organisation_type = serializers.CharField(allow_null=True)
    domains = serializers.IntegerField()
    compliance = serializers.FloatField(allow_null=True)
    traffic_light = serializers.CharField()
    lights = serializers.DictField(child=serializers.IntegerField())
    findings_by_severity = serializers.DictField(child=serializers.IntegerField())
    internetnl_total = serializers.IntegerField(allow_null=True)
    standards = serializers.DictField()
