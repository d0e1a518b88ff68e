"""Safe XML: the one parse (no DTDs, entities or oversize documents), the XSD catalog, canonical forms."""
