"""What free-text search reads of a document: its words (names, free text, codes' display texts)."""

from samband.adapters.search.words import MAX_CHARS, searchable_text

__all__ = ["MAX_CHARS", "searchable_text"]
