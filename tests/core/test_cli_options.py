"""The CLI's options: one meaning per flag, every option explained in --help and documented, `config` complete."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from domeinwacht.cli import build_parser, main

PROJECT = Path(__file__).resolve().parents[2]


def commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every (sub)command parser, named like `measure` or `register import-domains`."""
    yield " ".join(path), parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))


def options() -> Iterator[tuple[str, argparse.Action]]:
    for name, parser in commands(build_parser()):
        for action in parser._actions:
            if action.option_strings and not isinstance(action, argparse._HelpAction):
                yield name, action


def test_every_option_is_explained_in_help():
    unexplained = [
        f"{name} {action.option_strings[-1]}"
        for name, action in options()
        if not action.help and action.help != argparse.SUPPRESS
    ]
    assert unexplained == []


def test_every_visible_option_is_documented_in_the_readme_or_docs():
    text = (PROJECT / "README.md").read_text() + "".join(p.read_text() for p in (PROJECT / "docs").glob("*.md"))
    documented = set(re.findall(r"--[a-z][a-z0-9-]*", text))
    missing = sorted(
        {
            f"{name} {action.option_strings[-1]}"
            for name, action in options()
            if action.help != argparse.SUPPRESS and action.option_strings[-1] not in documented
        }
    )
    assert missing == []


def test_no_command_has_an_option_named_profile():
    """The TLS profile (`check --tls-profile`) and the policy profile (`--policy`) never share a name."""
    assert [name for name, action in options() if "--profile" in action.option_strings] == []


def test_check_takes_the_tls_profile():
    args = build_parser().parse_args(["check", "example.nl", "--tls-profile", "ncsc-2.1.1"])
    assert args.tls_profile == "ncsc-2.1.1"


@pytest.mark.parametrize("command", [["measure", "--list"], ["report", "x"], ["demo"]])
def test_measure_report_and_demo_take_the_policy(command):
    args = build_parser().parse_args([*command, "--policy", "nl-wdo"])
    assert args.policy == "nl-wdo"


def test_config_lists_the_django_settings_too(capsys):
    assert main(["config", "--format", "json"]) == 0
    names = {row["name"] for row in json.loads(capsys.readouterr().out)}
    assert {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DJANGO_DEBUG", "DATABASE_URL", "CELERY_BROKER_URL"} <= names
    assert {"DOMEINWACHT_DATA_DIR", "DOMEINWACHT_DEBUG", "DOMEINWACHT_ORGANISATIONS"} <= names


def test_config_masks_the_password_in_urls(monkeypatch, capsys):
    monkeypatch.setenv("CELERY_BROKER_URL", "amqp://scanner:hunter2@127.0.0.1:5672//")
    main(["config"])
    out = capsys.readouterr().out
    assert "hunter2" not in out
    assert "amqp://scanner:***@127.0.0.1:5672// (from the environment)" in out


def test_config_says_whether_the_secret_key_is_set_never_what_it_is(monkeypatch, capsys):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "a-very-secret-value-0123456789")
    main(["config", "--format", "json"])
    row = next(r for r in json.loads(capsys.readouterr().out) if r["name"] == "DJANGO_SECRET_KEY")
    assert row["value"] == "set (30 characters)"
    assert "0123456789" not in json.dumps(row)


def test_config_still_lists_the_core_settings_when_djangos_cannot_be_read(monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "domeinwacht.web.settings", None)  # importing it now raises ImportError
    assert main(["config", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "DOMEINWACHT_DATA_DIR" in {row["name"] for row in json.loads(captured.out)}
    assert "the web application's settings could not be read" in captured.err
