"""Policy: profiles as data, scoring and severity."""
