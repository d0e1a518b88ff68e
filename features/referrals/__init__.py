"""Referral to the coordinating unit (KE) from a GP tool's identification flag (domain.md §4)."""
