"""The schemas the project writes (ip-export, routes, feedback rules, Adresseregister WSDL) and the official-XSD manifest: data only."""
