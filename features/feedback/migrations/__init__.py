"""The feedback feature's Alembic branch (label ``feedback``), run beside the core store's revisions."""
