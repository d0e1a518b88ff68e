"""Safe JSON: the one read of a JSON document, with its limits."""
