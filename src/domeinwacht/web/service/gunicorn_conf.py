"""gunicorn settings of `domeinwacht serve` (``--config python:domeinwacht.web.service.gunicorn_conf``): its own
log lines and the access log as JSON lines (domeinwacht/jsonlog.py) on stdout, like the application's logs; the
text format when DOMEINWACHT_LOG_FORMAT=text."""

import os

_FORMAT = "text" if os.environ.get("DOMEINWACHT_LOG_FORMAT", "json") == "text" else "json"

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "domeinwacht.jsonlog.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "formatter": _FORMAT, "stream": "ext://sys.stdout"},
    },
    "root": {"level": "WARNING", "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stdout"], "propagate": False, "qualname": "gunicorn.error"},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False, "qualname": "gunicorn.access"},
    },
}
# Bounded: a request that takes longer than this kills its worker (gunicorn restarts it).
timeout = 60
graceful_timeout = 10
keepalive = 5
# Request line and header caps (gunicorn's defaults, stated): a hostile client cannot send more.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# gunicorn 27's control socket lives at one path per user ($HOME/.gunicorn/gunicorn.ctl): two instances (the demo's
# and the lab's) would fight over it, and nothing of ours uses it.
control_socket_disable = True
