"""The shipped policy profiles (one YAML file each, see docs/POLICIES.md); loading lives in policy/profile.py."""

from __future__ import annotations

from domeinwacht.policy.profile import Profile, ProfileError, available, load, load_file

PROFILE_NAMES = ("nl-wdo", "nl-ptolu-2025", "internetnl", "us-bod-18-01")

__all__ = ["PROFILE_NAMES", "Profile", "ProfileError", "available", "load", "load_file"]
