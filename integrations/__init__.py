"""Clients of outside services, with I/O: the NHN Adresseregister SOAP client (adapters read its data)."""
