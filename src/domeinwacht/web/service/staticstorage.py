"""Static files storage: whitenoise's hashed and compressed files once `serve` has run collectstatic; plain names
before that (a CLI rendering, a test), instead of Django's "Missing staticfiles manifest entry" error.

A manifest from an earlier collectstatic may lack a file added since (a new stylesheet): that name is rendered
plain too. `serve` collects again before it starts, so what it serves always has a fresh manifest.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # whitenoise is untyped
    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # no manifest yet: nothing was collected
            return name
        try:
            return str(super().stored_name(name))
        except ValueError:  # not in an older manifest: collected before this file existed
            return name
