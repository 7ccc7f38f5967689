"""Failed portal sign-ins per client address, counted in the database.

The count lives in the shared database, not in one worker's memory, so every worker
behind the load balancer refuses an address after MAX_FAILURES failures within WINDOW.
Only a hash of the address is stored, and rows older than the window are deleted when
the next failure is recorded: nothing about a client outlives the window.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.models import SignInFailure

MAX_FAILURES = 10
WINDOW = timedelta(minutes=15)


def address_hash(address: str) -> str:
    return hashlib.sha256(f"backpath-portal-signin:{address}".encode()).hexdigest()


async def blocked(session: AsyncSession, address: str, now: datetime) -> bool:
    """True while the address has MAX_FAILURES failures or more within the window."""
    count = await session.scalar(
        select(func.count())
        .select_from(SignInFailure)
        .where(
            SignInFailure.address_hash == address_hash(address),
            SignInFailure.failed_at > now - WINDOW,
        )
    )
    return (count or 0) >= MAX_FAILURES


async def record_failure(session: AsyncSession, address: str, now: datetime) -> None:
    """Count one failure, and forget failures (of every address) older than the window."""
    await session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= now - WINDOW))
    session.add(SignInFailure(address_hash=address_hash(address), failed_at=now))
