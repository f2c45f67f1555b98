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


def test_per_address_verdicts_round_trip_through_json_as_per_server_evidence():
    from domeinwacht.checks.result import AddressVerdict

    result = CheckResult(
        "web.rpki.valid",
        Status.FAIL,
        "x",
        {"addresses": []},
        per_address=(AddressVerdict("192.0.2.1", Status.PASS), AddressVerdict("2001:db8::1", Status.FAIL)),
    )
    data = result.to_json()
    assert data["evidence"]["per_server"] == {"192.0.2.1": "pass", "2001:db8::1": "fail"}
    assert CheckResult.from_json("web.rpki.valid", data) == result


def test_stored_evidence_that_is_not_per_server_verdicts_stays_evidence():
    data = {"status": "pass", "summary": "x", "evidence": {"per_server": {"a": "maybe"}}}
    result = CheckResult.from_json("web.rpki.valid", data)
    assert result.per_address == ()
    assert result.evidence == {"per_server": {"a": "maybe"}}
