"""The Django project: persists and presents what the core measures. The core never imports this."""
