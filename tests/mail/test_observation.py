"""The mail observation is pure data that survives storage (serde round trip)."""

from __future__ import annotations

import json

from domeinwacht.observations.mail import MailObservation, MxHost
from domeinwacht.scan.observe import dump_observations, load_observations
from domeinwacht.serde import from_jsonable, to_jsonable

from . import factories as f


def test_a_full_mail_observation_round_trips_through_json() -> None:
    obs = f.green()
    data = json.loads(json.dumps(to_jsonable(obs)))
    assert from_jsonable(MailObservation, data) == obs


def test_the_observation_bag_reloads_the_mail_areas() -> None:
    obs = f.green(mx=(MxHost("", 0),))
    stored = json.loads(json.dumps(dump_observations({"mail": obs, "mail_tls": ()})))
    loaded = load_observations(stored)
    assert loaded["mail"] == obs and loaded["mail"].null_mx
    assert loaded["mail_tls"] == ()
