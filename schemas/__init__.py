"""Schemas the project writes (ip-export, routes, feedback rules, WSDL) and the official-XSD manifest."""
