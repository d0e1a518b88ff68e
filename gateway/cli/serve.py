"""``samband serve`` (HTTP API + delivery worker in one process, or beside ``--workers N`` worker
processes) and ``samband worker`` (an extra worker)."""

from __future__ import annotations

import gc
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import uvicorn

from samband.features.registry import ALERT_CONDITIONS, MIGRATIONS
from samband.gateway.allowlist import is_loopback
from samband.gateway.app import create_app
from samband.gateway.delivery.worker import DeliveryWorker
from samband.gateway.logs import configure_logging
from samband.gateway.runtime import start_services
from samband.gateway.settings import Settings
from samband.kernel.errors import ConfigurationError

log = logging.getLogger("samband")


def settings_for(database_url: str | None) -> Settings:
    """Settings from the environment, with ``--database-url`` taking precedence."""
    settings = Settings()
    if database_url:
        settings = Settings(database_url=database_url)
    return settings


WORKER = "from samband.gateway.cli.main import main; main()"
PARENT_ENV = "SAMBAND_WORKER_PARENT"  # a worker started by `serve --workers` stops when serve is gone


def run_serve(host: str, port: int, database_url: str | None, workers: int = 0) -> None:
    """Migrate, validate the routes, then serve the API with one in-process delivery worker, or with
    ``workers`` worker processes beside it (the API process then does no delivery work)."""
    configure_logging(logging.INFO)
    settings = in_workers_by_default(settings_for(database_url), workers)
    refuse_exposed_dev_key(settings, host)
    settings.require_nhn_key()
    generated = settings.dev_api_key is None
    app = create_app(settings, run_worker=False if workers and settings.worker_enabled else None)
    if not settings.dev_key_active:
        log.info("console: http://%s:%d/console (sign in with an access token)", host, port)
    elif generated and is_loopback(host):
        log.warning("console: http://%s:%d/console#key=%s", host, port, settings.api_key())
        log.warning("API docs: http://%s:%d/docs (Authorize with the key in the console link)", host, port)
    elif generated:
        log.warning("a development key was generated for this run and is not shown off loopback")
    else:
        log.info("console: http://%s:%d/console (sign in with the key in SAMBAND_DEV_API_KEY)", host, port)
    log.info("samband on http://%s:%d (docs at /docs), store %s", host, port, _safe(settings.database_url))
    settled_heap()
    with worker_processes(workers if settings.worker_enabled else 0, settings.database_url):
        uvicorn.run(app, host=host, port=port, log_level="warning", log_config=None)  # through our handler


def in_workers_by_default(settings: Settings, workers: int) -> Settings:
    """With worker processes, a post is answered once stored and checked and the workers do the rest
    (``process_in_workers``), unless ``SAMBAND_PROCESS_IN_WORKERS`` says otherwise: the API process
    then only checks and stores (about eight times the posts a second of processing them itself)."""
    if not workers or not settings.worker_enabled or "process_in_workers" in settings.model_fields_set:
        return settings
    log.info("worker processes: a post is answered once stored and checked (SAMBAND_PROCESS_IN_WORKERS)")
    return settings.model_copy(update={"process_in_workers": True})


@contextmanager
def worker_processes(count: int, database_url: str) -> Iterator[None]:
    """``count`` ``samband worker`` processes for as long as the block runs (the store URL goes in
    their environment, never on a command line others can read); stopped with SIGTERM after it."""
    env = {**os.environ, "SAMBAND_DATABASE_URL": database_url, PARENT_ENV: str(os.getpid())}
    started = [subprocess.Popen([sys.executable, "-c", WORKER, "worker"], env=env) for _ in range(count)]
    if started:
        log.info("%d worker process(es): %s", count, ", ".join(str(p.pid) for p in started))
        # uvicorn raises the SIGTERM it caught again once it has shut down: exit through ``finally``
        signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        for process in started:
            process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


PLACEHOLDER_KEYS = frozenset({"change-me", "changeme", "change_me", "secret", "password"})
"""Development keys that examples and templates show; anyone could guess them."""


def refuse_exposed_dev_key(settings: Settings, host: str) -> None:
    """Refuse (one line, exit 2) a development key that is a known placeholder
    (``config.dev-key-placeholder``), and the development key, which grants every role, open beyond
    loopback (``config.dev-key-exposed``)."""
    key = (settings.dev_api_key or "").strip().lower()
    if settings.dev_key_active and key in PLACEHOLDER_KEYS:
        raise ConfigurationError(
            f"SAMBAND_DEV_API_KEY is the placeholder {key!r}, which anyone can guess: set a key of your "
            "own (e.g. openssl rand -hex 24) or configure tokens (SAMBAND_AUTH_ISSUER)",
            code="config.dev-key-placeholder",
        )
    if settings.dev_key_active and not is_loopback(host) and not settings.dev_key_any_host:
        raise ConfigurationError(
            f"the development key grants every role and {host} is not loopback: configure "
            "SAMBAND_AUTH_ISSUER (tokens) or set SAMBAND_DEV_KEY_ANY_HOST=true",
            code="config.dev-key-exposed",
        )


def run_worker(database_url: str | None) -> None:
    """An extra delivery worker against a shared store (PostgreSQL) until SIGINT/SIGTERM; started by
    ``serve --workers`` it runs ``worker_nice`` lower in priority than the API process."""
    configure_logging(logging.INFO)
    settings = settings_for(database_url)
    svc = start_services(settings, migrations=MIGRATIONS)
    svc.alert_conditions.update(ALERT_CONDITIONS)
    worker = DeliveryWorker(svc)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        worker.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    parent = os.environ.get(PARENT_ENV)
    if parent and settings.worker_nice:  # started by `serve --workers`: the API answers first
        os.nice(settings.worker_nice)
    if parent:
        threading.Thread(target=_stop_without_parent, args=(int(parent), worker), daemon=True).start()
    settled_heap()
    worker.run_forever()


def settled_heap() -> None:
    """Move what start-up made (modules, models, tables, routes) out of the collector's sight: it lives as
    long as the process, and a full collection would otherwise walk it again every few hundred messages
    (about 60 ms each time)."""
    gc.collect()
    gc.freeze()


def _exit(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def _stop_without_parent(parent: int, worker: DeliveryWorker) -> None:
    """A worker of ``serve --workers`` stops when its ``serve`` is gone (killed without its SIGTERM)."""
    while not worker.stopping.wait(1.0):
        if os.getppid() != parent:
            log.warning("samband serve (pid %d) is gone; the worker stops", parent)
            worker.stopping.set()


def _safe(url: str) -> str:
    """The database URL without its password, for logs."""
    head, at, tail = url.rpartition("@")
    if not at:
        return url
    scheme, _, credentials = head.partition("://")
    return f"{scheme}://{credentials.split(':')[0]}:***@{tail}"
