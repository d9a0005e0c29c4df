"""Pipelines through the Python client only: MaxParallel (and what issue 24 adds beside it)."""

from __future__ import annotations

import pytest

from remote_batch import BatchEnvironment, Settings, map_submit, submit

from waiting import run, until


def test_max_parallel_is_set_at_submit_and_changed_while_the_array_runs(env: BatchEnvironment) -> None:
    async def scenario() -> None:
        array = await map_submit(env, '/bin/sh -c "sleep 1"', list(range(8)), Settings(max_parallel=2))
        assert (await array.state())["settings"]["maxParallel"] == 2

        async def some_succeeded() -> bool:
            return (await array.get("ChildJobCounts"))["succeeded"] >= 2

        await until(some_succeeded, "two children succeed")
        await array.set_max_parallel(6)
        assert (await array.state())["settings"]["maxParallel"] == 6
        assert await array.result() == [None] * 8
        with pytest.raises(ValueError, match="MaxParallel must be a whole number from 1"):
            await array.set_max_parallel(0)
        with pytest.raises(ValueError, match="MaxParallel must be a whole number from 1"):
            await map_submit(env, "true", [1], Settings(max_parallel=0))
        with pytest.raises(ValueError, match="MaxParallel applies to array jobs"):
            await submit(env, "true", Settings(max_parallel=2))

    run(scenario)
