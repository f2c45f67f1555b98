from domeinwacht.checks.result import CheckResult, Status


def test_worst_status_orders_error_before_fail_before_pass():
    assert Status.worst([Status.PASS, Status.FAIL, Status.ERROR]) is Status.ERROR
    assert Status.worst([Status.PASS, Status.WARNING]) is Status.WARNING


def test_worst_of_nothing_is_not_applicable():
    assert Status.worst([]) is Status.NOT_APPLICABLE


def test_result_round_trips_through_json():
    result = CheckResult("web.hsts", Status.FAIL, "short", {"max_age": 5}, "raise it")
    assert CheckResult.from_json("web.hsts", result.to_json()) == result


def test_error_result_always_carries_its_reason():
    result = CheckResult.error("web.hsts", "connection refused", ip="192.0.2.1")
    assert result.status is Status.ERROR
    assert result.evidence["reason"] == "connection refused"
    assert result.evidence["ip"] == "192.0.2.1"
