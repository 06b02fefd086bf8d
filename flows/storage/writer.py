"""One writer at a time: a Prefect global concurrency slot plus a file lock, with stale-holder detection.

The Prefect limit `warehouse-writer` (1 slot) queues writers across processes and shows in the
UI who is writing. Its slot is held through a lease; a writer killed mid-run leaves its lease
behind, and the server only reclaims a lease after it expires (at least 60 s). The file lock
(flock, warehouse/.writer.lock) is released by the kernel the moment its holder dies, and the
holder writes its lease id into the lock file. So a waiting writer that finds the slot taken but
the file lock free knows the holder is dead, and releases that lease at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import json
import logging
import os
import socket
import time
from contextlib import asynccontextmanager, contextmanager

from flows.config import Paths

WRITER_LIMIT = "warehouse-writer"  # the prefix: each data directory has its own limit
LEASE_S = 60.0  # the server's minimum
RENEW_EVERY_S = 20.0
RETRY_S = 0.5

logger = logging.getLogger(__name__)
LOCK_TIMEOUT_S = 600


def writer_limit(p: Paths) -> str:
    """This data directory's limit, `warehouse-writer-<home id>`: two data directories that share a
    server (a developer's and the tests') never queue on, or free, each other's slot."""
    return f"{WRITER_LIMIT}-{p.home_id}"


class WarehouseBusy(Exception):
    """Another writer held the lock for longer than we were prepared to wait."""


@contextmanager
def writer_lock(p: Paths, timeout_s: float = LOCK_TIMEOUT_S, record: dict | None = None):
    """Exclusive, process-wide writer lock; the kernel drops it if the holder dies.

    The holder writes who it is (and its Prefect lease) into the file; the record is cleared on
    a normal release, so a record left behind belongs to a writer that died.
    """
    p.warehouse.mkdir(parents=True, exist_ok=True)
    with open(p.writer_lock, "a+") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WarehouseBusy(
                        f"the warehouse writer lock is held by {holder_record(p) or 'another process'}"
                    ) from None
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": dt.datetime.now(dt.timezone.utc).isoformat(),
            **(record or {}),
        }
        handle.write(json.dumps(holder))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


def try_writer_lock(p: Paths) -> bool:
    """True if nobody holds the writer lock right now (checked by taking and dropping it)."""
    if not p.writer_lock.exists():
        return True
    with open(p.writer_lock, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def holder_record(p: Paths) -> dict:
    """What the current or last holder of the writer lock wrote about itself ({} if nothing)."""
    try:
        return json.loads(p.writer_lock.read_text() or "{}")
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


async def ensure_writer_limit(p: Paths) -> None:
    """The global concurrency limit must exist on the server before anyone can take it."""
    name = writer_limit(p)
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectNotFound

    async with get_client() as client:
        try:
            await client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            try:
                await client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
            except Exception:
                await client.read_global_concurrency_limit_by_name(name)  # created meanwhile


async def _release_stale_lease(client, p: Paths) -> bool:
    """If no live process holds the file lock, the slot's holder is dead: release its lease."""
    if not try_writer_lock(p):
        return False  # a live writer (or one starting up) holds it: wait
    record = holder_record(p)
    if not record or record.get("host") != socket.gethostname() or not record.get("lease_id"):
        return False  # unknown holder (another host, or an old record): let the lease expire
    try:
        await client.release_concurrency_slots_with_lease(record["lease_id"])
    except Exception:  # already expired or released: nothing of ours to free
        return False
    logger.warning("released the writer slot of dead process %s (lease %s)", record.get("pid"), record["lease_id"])
    return True


async def _acquire_lease(client, p: Paths) -> str:
    import httpx

    while True:
        try:
            response = await client.increment_concurrency_slots_with_lease(
                names=[writer_limit(p)], slots=1, mode="concurrency", lease_duration=LEASE_S
            )
            return str(response.json()["lease_id"])
        except httpx.HTTPStatusError as error:
            if error.response.status_code != 423:
                raise
            released = await _release_stale_lease(client, p)
            await asyncio.sleep(0.05 if released else min(float(error.response.headers.get("Retry-After", RETRY_S)), 2.0))


async def _renew(client, lease_id: str) -> None:
    while True:
        await asyncio.sleep(RENEW_EVERY_S)
        try:
            await client.renew_concurrency_lease(lease_id=lease_id, lease_duration=LEASE_S)
        except Exception as error:  # the file lock still guarantees one writer
            logger.warning("could not renew the writer lease: %s", error)


@asynccontextmanager
async def writer_slot(p: Paths):
    from prefect.client.orchestration import get_client

    await ensure_writer_limit(p)
    async with get_client() as client:
        lease_id = await _acquire_lease(client, p)
        renewal = asyncio.create_task(_renew(client, lease_id))
        try:
            with writer_lock(p, record={"lease_id": lease_id}):
                yield
        finally:
            renewal.cancel()
            try:
                await client.release_concurrency_slots_with_lease(lease_id)
            except Exception as error:  # expires on its own
                logger.warning("could not release the writer lease %s: %s", lease_id, error)
