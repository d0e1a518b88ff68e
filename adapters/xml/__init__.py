"""Safe XML: the one parse that refuses DTDs, entities and oversize documents; the XSD catalog; canonical forms."""
