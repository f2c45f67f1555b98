import pytest

from domeinwacht.checks import registry
from domeinwacht.checks.registry import CheckContext, check, evaluate
from domeinwacht.checks.result import CheckResult, Status


def test_every_registered_check_id_is_unique_and_names_its_area():
    for check_id, entry in registry.registered().items():
        assert entry.check_id == check_id
        assert entry.areas


def test_registering_the_same_id_twice_is_refused():
    @check("test.duplicate.once", area="test")
    def first(obs, ctx):
        return CheckResult("test.duplicate.once", Status.PASS, "ok")

    try:
        try:
            check("test.duplicate.once", area="test")(first)
        except ValueError as exc:
            assert "registered twice" in str(exc)
        else:
            raise AssertionError("duplicate id accepted")
    finally:
        registry._REGISTRY.pop("test.duplicate.once")


def test_a_check_that_raises_becomes_an_error_with_the_reason():
    @check("test.broken", area="test_broken")
    def broken(obs, ctx):
        raise RuntimeError("boom")

    try:
        results = evaluate({"test_broken": object()}, CheckContext(), only_areas={"test_broken"})
        assert results["test.broken"].status is Status.ERROR
        assert "boom" in results["test.broken"].summary
    finally:
        registry._REGISTRY.pop("test.broken")


def test_a_multi_area_check_receives_each_area_and_is_skipped_without_them():
    seen = {}

    @check("test.multi", area=("test_a", "test_b"))
    def multi(obs, ctx):
        seen.update(obs)
        return CheckResult("test.multi", Status.PASS, "ok")

    try:
        assert "test.multi" not in evaluate({"test_a": 1}, CheckContext())
        results = evaluate({"test_a": 1, "test_b": 2}, CheckContext())
        assert results["test.multi"].status is Status.PASS
        assert seen == {"test_a": 1, "test_b": 2}
    finally:
        registry._REGISTRY.pop("test.multi")


def test_every_built_in_check_registers_under_a_catalogue_id():
    from domeinwacht.checks.catalogue import CHECK_IDS

    built_in = {
        cid for cid, entry in registry.registered().items() if entry.function.__module__.startswith("domeinwacht.")
    }
    assert built_in
    assert built_in - CHECK_IDS == set()


def test_a_tls_rule_under_a_name_outside_the_catalogue_is_refused():
    from domeinwacht.checks.tls._common import register

    with pytest.raises(ValueError, match="not a check id of the catalogue"):
        register("no_such_rule")(lambda obs, ctx: None)
