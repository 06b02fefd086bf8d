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
import logging
import socket
from contextlib import asynccontextmanager

from flows.config import Paths
from flows.warehouse import holder_record, try_writer_lock, writer_lock

WRITER_LIMIT = "warehouse-writer"
LEASE_S = 60.0  # the server's minimum
RENEW_EVERY_S = 20.0
RETRY_S = 0.5

logger = logging.getLogger(__name__)


async def ensure_writer_limit() -> None:
    """The global concurrency limit must exist on the server before anyone can take it."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectNotFound

    async with get_client() as client:
        try:
            await client.read_global_concurrency_limit_by_name(WRITER_LIMIT)
        except ObjectNotFound:
            try:
                await client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=WRITER_LIMIT, limit=1))
            except Exception:
                await client.read_global_concurrency_limit_by_name(WRITER_LIMIT)  # created meanwhile


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
                names=[WRITER_LIMIT], slots=1, mode="concurrency", lease_duration=LEASE_S
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

    await ensure_writer_limit()
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
