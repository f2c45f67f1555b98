"""The WSGI application `domeinwacht serve` runs under gunicorn. It refuses a development secret key (outside
debug mode) and makes sure a SQLite database file is private before the first connection."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "domeinwacht.web.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 - after Django is set up

from domeinwacht.web.service.dbfile import create_private, sqlite_path  # noqa: E402
from domeinwacht.web.service.secret_key import require_real_secret_key  # noqa: E402

require_real_secret_key()
_db = sqlite_path(settings.DATABASES["default"])
if _db is not None:
    create_private(_db)
