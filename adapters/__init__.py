"""Format adapters: bytes ↔ typed model, one package per external format, reached through ``FORMATS``."""
