"""Static files storage: whitenoise's hashed and compressed files once `serve` has run collectstatic; plain names
before that (a CLI rendering, a test), instead of Django's "Missing staticfiles manifest entry" error."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # whitenoise is untyped
    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # no manifest yet: nothing was collected
            return name
        return str(super().stored_name(name))
