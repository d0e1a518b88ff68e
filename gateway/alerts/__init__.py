"""Alerts to operators (conditions, channels, the scheduled check) and their settings."""
