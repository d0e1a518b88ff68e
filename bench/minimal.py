"""The yardstick endpoint: the least a durable receive can do, built the obvious way. FastAPI, one
``POST /messages`` that reads the body, inserts the raw bytes as one row and commits (one transaction,
one fsync per message, no batching), served by uvicorn with the same options as ``samband serve``.

    python bench/minimal.py --database-url URL --port P [--loop asyncio --http h11]
"""

from __future__ import annotations

import argparse
import uuid
from datetime import UTC, datetime

import uvicorn
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import Column, DateTime, Engine, LargeBinary, MetaData, String, Table, create_engine

from samband.gateway.store.db import make_engine

metadata = MetaData()
received = Table(
    "bench_minimal",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("raw", LargeBinary, nullable=False),
    Column("received_at", DateTime, nullable=False),
)


def engine_for(url: str) -> Engine:
    """SQLite with the gateway's own settings (WAL, synchronous NORMAL), so both keep the same promise."""
    if url.startswith("sqlite"):
        return make_engine(url)
    return create_engine(url, pool_size=10, max_overflow=10)


def create_app(engine: Engine) -> FastAPI:
    metadata.create_all(engine)
    app = FastAPI()

    def store(raw: bytes) -> str:
        mid = str(uuid.uuid4())
        with engine.begin() as conn:
            conn.execute(received.insert().values(id=mid, raw=raw, received_at=datetime.now(UTC)))
        return mid

    @app.post("/messages", status_code=202)
    async def post_message(request: Request) -> JSONResponse:
        mid = await run_in_threadpool(store, await request.body())
        return JSONResponse({"id": mid}, status_code=202)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--loop", default="auto")
    parser.add_argument("--http", default="auto")
    args = parser.parse_args()
    app = create_app(engine_for(args.database_url))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", loop=args.loop, http=args.http)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
