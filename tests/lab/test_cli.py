"""`domeinwacht lab` on the command line: clear one-line errors (no root needed)."""

from __future__ import annotations

from domeinwacht.cli import main


def test_lab_up_without_root_says_so_in_one_line_and_exits_2(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DOMEINWACHT_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    assert main(["lab", "up"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "needs root" in err


def test_lab_down_without_root_says_so(monkeypatch, capsys):
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    assert main(["lab", "down"]) == 2
    assert "needs root" in capsys.readouterr().err


def test_generate_demo_needs_an_organisation_directory(capsys, tmp_path):
    assert main(["lab", "generate", "demo", str(tmp_path / "demo.yaml")]) == 2
    assert "--organisations" in capsys.readouterr().err


def test_generate_bench_writes_a_loadable_scenario(tmp_path):
    from domeinwacht.lab.scenario import load

    out = tmp_path / "bench.yaml"
    assert main(["lab", "generate", "bench", str(out), "--count", "50", "--seed", "3"]) == 0
    scenario = load(str(out))
    clones = [t for t in scenario.targets.values() if t.template]
    assert len(clones) == 50
    assert all(t.expect == scenario.targets[t.template].expect for t in clones)


def test_generate_demo_gives_every_active_municipality_a_test_domain(tmp_path, shared_data):
    from domeinwacht.lab.generate import demo, municipalities

    slugs = municipalities(shared_data / "organisaties")
    data = demo(shared_data / "organisaties", seed=1)
    assert len(slugs) > 300
    assert all(f"{s}.test" in data["targets"] for s in slugs)
    # the generated names; the default scenario's own targets come along (tld-ds-broken.example included)
    assert all(name.endswith(".test") for name, target in data["targets"].items() if target.get("template"))


def test_generator_is_deterministic_per_seed():
    from domeinwacht.lab.generate import bench

    assert bench(30, seed=5)["targets"] == bench(30, seed=5)["targets"]
    assert bench(30, seed=5)["targets"] != bench(30, seed=6)["targets"]


def test_unknown_tls_preset_is_a_one_line_error(monkeypatch, capsys, tmp_path):
    from domeinwacht.lab import manager

    bad = tmp_path / "bad.yaml"
    bad.write_text("targets:\n  x.test: {kind: web, web: {tls: ssl2-please}}\n")
    monkeypatch.setenv("DOMEINWACHT_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("os.geteuid", lambda: 0)
    monkeypatch.setattr(manager, "status", lambda: None)
    monkeypatch.setattr(manager.netns, "exists", lambda: False)
    monkeypatch.setattr(manager, "POINTER", tmp_path / "pointer.json")
    assert main(["lab", "up", "--scenario", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert "unknown TLS preset 'ssl2-please'" in err
    assert len(err.splitlines()) == 1


def test_the_package_exports_the_scanner_facing_api():
    import domeinwacht.lab as lab

    for name in ("is_up", "scan_options", "status", "up", "down", "in_lab"):
        assert callable(getattr(lab, name)), name
    assert lab.in_lab("198.51.100.53") and lab.in_lab("2001:db8::1")
    assert not lab.in_lab("192.0.2.2")  # the low half of 192.0.2.0/24 is not the lab's
