"""`domeinwacht monitor derive` (cli/monitor.py)."""

from __future__ import annotations

import json

import pytest

from domeinwacht.cli import main
from domeinwacht.web.findings.models import Finding
from findings.factories import measured

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_setup(monkeypatch):
    """The test database is set up already: the CLI must not migrate another one."""
    monkeypatch.setattr("domeinwacht.web.django_setup.setup", lambda migrate=True: None)


def test_derive_prints_the_counts_of_a_measurement(no_setup, capsys):
    measured("m1", {"a.example.nl": {"web.hsts": "fail"}})
    assert main(["monitor", "derive", "m1", "--open-after", "1"]) == 0
    out = capsys.readouterr().out
    assert "m1 (first of its selection): 1 domains; 1 new, 0 regressed, 0 fixed" in out
    assert Finding.objects.get().state == "new"


def test_derive_as_json(no_setup, capsys):
    measured("m1", {"a.example.nl": {"web.hsts": "fail"}})
    assert main(["monitor", "derive", "m1", "--open-after", "1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["events"]["new"] == 1


def test_an_unknown_measurement_is_a_one_line_error(no_setup, capsys):
    assert main(["monitor", "derive", "nope"]) == 2
    assert capsys.readouterr().err == "domeinwacht: error: no measurement 'nope'\n"


def test_deriving_twice_is_a_one_line_error(no_setup, capsys):
    measured("m1", {"a.example.nl": {"web.hsts": "fail"}})
    main(["monitor", "derive", "m1"])
    capsys.readouterr()
    assert main(["monitor", "derive", "m1"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_a_threshold_below_one_is_refused(no_setup, capsys):
    with pytest.raises(SystemExit):
        main(["monitor", "derive", "m1", "--open-after", "0"])
    assert "must be at least 1" in capsys.readouterr().err


def test_derive_queues_the_alerts_and_send_delivers_them(no_setup, smtp_server, capsys):
    from findings.factories import organisation

    org = organisation(security="csirt@gemeente-a.example.nl")
    measured("m1", {"a.example.nl": {"web.hsts": "fail"}}, {"a.example.nl": org})
    assert main(["monitor", "derive", "m1", "--open-after", "1"]) == 0
    assert "queued: 1 alert, 1 report" in capsys.readouterr().out
    assert main(["monitor", "send", "--until-empty"]) == 0
    assert "2 sent" in capsys.readouterr().out
    assert sorted(r.message["Subject"] for r in smtp_server.received) == [
        "[Domeinwacht] Gemeente A: 1 nieuw, 0 opgelost, 0 teruggekeerd",
        "[Domeinwacht] HIGH: web.hsts op a.example.nl",
    ]
