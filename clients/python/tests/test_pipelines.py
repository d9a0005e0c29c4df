"""Pipelines through the Python client only: MaxParallel, RetryOn."""

from __future__ import annotations

from pathlib import Path

import pytest

from remote_batch import BatchEnvironment, JobFailed, RetryOn, Settings, map_submit, submit

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


def test_retry_on_reruns_a_listed_exit_code_and_not_another(env: BatchEnvironment, tmp_path: Path) -> None:
    marker = tmp_path / "ran-once"

    async def scenario() -> None:
        rule = RetryOn(exit_codes=[137, (140, 143)], max_attempts=2)
        job = await submit(env, f'/bin/sh -c "if [ ! -e {marker} ]; then touch {marker}; exit 141; fi; echo 5 > result.json"', Settings(retry_on=rule))
        assert await job.result() == 5
        assert (await job.state())["settings"]["retryOn"] == {"exitCodes": [137, {"start": 140, "end": 143}], "maxAttempts": 2, "backoffSeconds": 0}
        other = await submit(env, '/bin/sh -c "exit 1"', Settings(retry_on=rule))
        with pytest.raises(JobFailed) as failure:
            await other.result()
        assert failure.value.outcome.exit_code == 1
        for bad, named in ((RetryOn(exit_codes=[256]), "RetryOn.ExitCodes"), (RetryOn(exit_codes=[137], max_attempts=1), "RetryOn.MaxAttempts")):
            with pytest.raises(ValueError, match=named):
                await submit(env, "true", Settings(retry_on=bad))

    run(scenario)


def test_a_job_after_another_waits_with_its_reason_then_runs_and_unknown_ids_are_refused(env: BatchEnvironment) -> None:
    async def scenario() -> None:
        first = await submit(env, '/bin/sh -c "sleep 2; echo 1 > result.json"')
        second = await submit(env, '/bin/sh -c "echo 2 > result.json"', after=[first])

        async def says_what_it_waits_for() -> bool:
            return (await second.state()).get("statusReason") == f"Waiting for {first.job_id} to succeed (0 of 1 done)."

        await until(says_what_it_waits_for, "the dependent job to say what it waits for")
        assert await second.result() == 2
        assert (await second.state())["after"] == {"jobIds": [first.job_id], "condition": "succeeded"}
        with pytest.raises(ValueError, match="after names jobs that do not exist in Temporal namespace 'default': rb-no-such-job"):
            await submit(env, "true", after=["rb-no-such-job"])
        with pytest.raises(ValueError, match="after_condition must be 'succeeded', 'ended' or 'failed'"):
            await map_submit(env, "true", [1], after=[first], after_condition="done")

    run(scenario)


def test_a_notification_request_is_checked_at_submit(env: BatchEnvironment) -> None:
    async def scenario() -> None:
        for bad, named in (({"url": "ftp://example.com"}, "notify.url"), ({"url": "https://example.com", "secret": "a b"}, "notify.secret"), ({"url": "https://example.com", "on": "always"}, "notify.on")):
            with pytest.raises(ValueError, match=named):
                await submit(env, "true", notify=bad)

    run(scenario)
