"""The message store: tables, engines and migrations, and the repository the pipeline writes through."""
