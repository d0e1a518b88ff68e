"""KITH shared types (Ident, Address, TeleCom, person, organisation): one model, one declarative codec."""
