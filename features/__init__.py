"""Features apart from the core: GP feedback, referrals, change detection (own tables, settings, routers)."""
