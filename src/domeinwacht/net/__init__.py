"""Protocol clients. Each module is the only place its protocol is spoken, and each is bounded (timeouts, sizes)."""
