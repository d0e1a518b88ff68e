"""Free-text search over what messages say (patient names, document text): SQLite FTS5 or PostgreSQL
full text (``to_tsvector('simple', …)`` with a GIN index), both made by migration 0007.

A search is what people type: every word must occur, each as the start of a word in the message
(``kari nord`` finds "Kari Nordmann"); case and diacritics do not matter. The words are kept in
``message_text`` (PostgreSQL) or the FTS5 table ``message_fts`` (SQLite), one row per message.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Connection, bindparam, column, text

from samband.gateway.store.tables import messages

WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8


def _terms(typed: str) -> list[str]:
    return WORD.findall(typed.lower())[:MAX_TERMS]


def index_words(conn: Connection, message_id: str, words: str) -> None:
    """Keep ``words`` as what message ``message_id`` says (replacing what was kept before)."""
    if conn.dialect.name == "sqlite":
        conn.execute(text("DELETE FROM message_fts WHERE message_id = :m"), {"m": message_id})
        if words:
            conn.execute(
                text("INSERT INTO message_fts (message_id, content) VALUES (:m, :w)"),
                {"m": message_id, "w": words},
            )
        return
    conn.execute(text("DELETE FROM message_text WHERE message_id = :m"), {"m": message_id})
    if words:
        conn.execute(
            text("INSERT INTO message_text (message_id, content) VALUES (:m, :w)"),
            {"m": message_id, "w": words},
        )


def add_words(conn: Connection, message_id: str, words: str) -> None:
    """``index_words`` for a message that has none kept yet (just taken in): one INSERT, no DELETE."""
    if not words:
        return
    table = "message_fts" if conn.dialect.name == "sqlite" else "message_text"
    conn.execute(
        text(f"INSERT INTO {table} (message_id, content) VALUES (:m, :w)"), {"m": message_id, "w": words}
    )


def forget_words(conn: Connection, message_ids: list[str]) -> None:
    """Drop what is kept of these messages' words (before the messages themselves are deleted)."""
    table = "message_fts" if conn.dialect.name == "sqlite" else "message_text"
    statement = text(f"DELETE FROM {table} WHERE message_id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    conn.execute(statement, {"ids": message_ids})


def matching(conn: Connection, typed: str) -> ColumnElement[bool]:
    """Messages whose words hold every word typed (each as a word's start); none when nothing is typed."""
    terms = _terms(typed)
    if not terms:
        return messages.c.id.is_(None)
    if conn.dialect.name == "sqlite":
        query = " AND ".join(f'"{term}"*' for term in terms)
        found = text("SELECT message_id FROM message_fts WHERE message_fts MATCH :fts").bindparams(fts=query)
    else:
        query = " & ".join(f"{term}:*" for term in terms)
        found = text(
            "SELECT message_id FROM message_text WHERE tsv @@ to_tsquery('simple', :fts)"
        ).bindparams(fts=query)
    return messages.c.id.in_(found.columns(column("message_id")))
