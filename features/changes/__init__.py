"""Change detection between revisions of an ip-export plan: deltas applied and made, typed change events."""
