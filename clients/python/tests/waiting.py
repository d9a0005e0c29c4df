"""Waiting in the tests: a deadline on every scenario, and polling for a state, never a fixed sleep."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable


def run(test: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(asyncio.wait_for(test(), timeout=120))


async def until(check: Callable[[], Awaitable[bool]], what: str, seconds: float = 60) -> None:
    """Polls with a deadline: waiting on a state, never a fixed sleep."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        await asyncio.sleep(0.25)
