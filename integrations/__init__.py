"""Clients of outside services, with I/O: the NHN Adresseregister SOAP client (adapters read its data),
HelseID (checking the tokens the gateway's callers present; asking for tokens for NHN's APIs)."""
