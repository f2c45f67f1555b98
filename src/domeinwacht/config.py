"""Settings read from the environment, each with an embedded default and a line of documentation.

The core (checks, scan, net) reads its settings from here, never from Django; Django's settings module
reads the same values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

_DOCUMENTED: dict[str, tuple[str, str]] = {}


def config(name: str, default: str, documentation: str) -> str:
    """The value of environment variable ``name``, else ``default``; documented for `domeinwacht config`."""
    _DOCUMENTED[name] = (default, documentation)
    return os.environ.get(name, default)


def config_bool(name: str, default: bool, documentation: str) -> bool:
    value = config(name, "1" if default else "0", documentation)
    return value.strip().lower() in {"1", "true", "yes", "on"}


def documented() -> dict[str, tuple[str, str]]:
    """Every setting read so far: name -> (default, documentation)."""
    return dict(_DOCUMENTED)


def mask_url(value: str) -> str:
    """``value`` with the password of a URL replaced by ``***`` (``postgres://u:***@db/x``); other text unchanged."""
    try:
        parts = urlsplit(value)
        password = parts.password
    except ValueError:
        return value
    if not password or "@" not in parts.netloc:
        return value
    userinfo, host = parts.netloc.rsplit("@", 1)
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    allow_non_public: bool
    backend: str
    broker_url: str
    ct_logs: tuple[str, ...] = ()
    resolver_address: str = "127.0.0.1:8053"
    rpki_files: tuple[Path | None, Path | None] = (None, None)
    debug: bool = False
    organisations: str = ""


def load() -> Settings:
    data_dir = Path(
        config(
            "DOMEINWACHT_DATA_DIR",
            str(Path.cwd() / "var"),
            "Directory for the SQLite database, reports, exports and lab state.",
        )
    ).resolve()
    return Settings(
        data_dir=data_dir,
        database_url=config(
            "DATABASE_URL",
            f"sqlite:///{data_dir / 'domeinwacht.sqlite3'}",
            "Database URL: sqlite:///PATH (default) or postgres://USER@HOST:PORT/NAME.",
        ),
        allow_non_public=config_bool(
            "DOMEINWACHT_ALLOW_NON_PUBLIC",
            False,
            "Allow scanning loopback/private/link-local/documentation addresses (the lab sets this).",
        ),
        backend=config("DOMEINWACHT_BACKEND", "local", "Measurement backend: local (in-process) or celery."),
        broker_url=config(
            "CELERY_BROKER_URL",
            "amqp://guest:guest@127.0.0.1:5672//",
            "Celery broker (RabbitMQ by default; redis://127.0.0.1:6379/0 also works).",
        ),
        rpki_files=rpki_files(),
        ct_logs=tuple(
            config(
                "DOMEINWACHT_CT_LOGS",
                "",
                "Space-separated RFC 6962 log base URLs that `discover` reads (its CT source).",
            ).split()
        ),
        resolver_address=config(
            "DOMEINWACHT_RESOLVER_ADDRESS",
            "127.0.0.1:8053",
            "host:port of the embedded validating resolver (`domeinwacht resolver up`); loopback only.",
        ),
        debug=config_bool("DOMEINWACHT_DEBUG", False, "Show the traceback of an unexpected CLI error (like --debug)."),
        organisations=config(
            "DOMEINWACHT_ORGANISATIONS",
            "",
            "Organisation data folder for `domeinwacht demo` (default: ../shared/data/organisaties when present).",
        ),
    )


def rpki_files() -> tuple[Path | None, Path | None]:
    """The configured RPKI data (``--vrp-file`` / ``--pfx2as-file`` take precedence): VRP export, route table."""
    vrp = config(
        "DOMEINWACHT_VRP_FILE",
        "",
        "RPKI VRP export for the rpki checks: rpki-client's 'json' (rpki-client -j) or "
        "`routinator vrps --format json` output. Empty: the rpki checks say error.",
    )
    pfx2as = config(
        "DOMEINWACHT_PFX2AS_FILE",
        "",
        "Prefix-to-origin table for the rpki checks: CAIDA RouteViews prefix2as (.pfx2as.gz) or RIPE RIS "
        "riswhoisdump. Empty: the rpki checks say error.",
    )
    return (Path(vrp) if vrp else None, Path(pfx2as) if pfx2as else None)
