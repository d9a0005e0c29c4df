"""Each test drives the real stack (Temporal, the worker, the Batch emulator, Azurite) through the Python client only."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from remote_batch import ArrayJob, BatchEnvironment, Job, JobDeleted, JobFailed, Settings, TemporalUnreachable, WorkflowRefused, get_job, list_jobs, map_submit, submit
from remote_batch.blobs import upload_text
from remote_batch.conventions import ARRAY_RESULTS_BLOB, TASK_QUEUE, container_name
from remote_batch.jobs import StoredStateMissing

from waiting import run, until


def test_a_command_job_succeeds_with_its_result_and_log(env: BatchEnvironment) -> None:
    async def scenario() -> None:
        job = await submit(env, """/bin/sh -c "echo hello from python; echo '{\\"answer\\": 42}' > result.json" """.strip())
        assert await job.result() == {"answer": 42}
        assert await job.get("JobStatus") == "Succeeded"
        assert await job.get("JobExitCode") == 0
        assert await job.get("EvaluationResult") == {"answer": 42}
        assert await job.get("JobSucceededQ") is True
        assert await job.get("ProviderTaskID") == "10000000"
        assert "hello from python" in await job.logs()
        assert "hello from python" in await job.get("JobLog")
        assert await job.get("ProviderSettings") == {"ContainerImage": "node:20-slim", "JobPriority": 0, "VCPUCount": 1}
        assert await job.get("EvaluationData") == {"Result": {"answer": 42}, "Timing": None, "Messages": []}
        assert await job.get("EvaluationTiming") is None
        assert await job.get("JobAttempts") == [{"Attempt": 1, "Status": "Succeeded", "Reason": await job.get("JobStatusReason")}]
        found = await get_job(env, job.job_id)
        assert isinstance(found, Job) and await found.get("JobStatus") == "Succeeded"

    run(scenario)


def test_a_failing_command_job_is_failed_with_its_exit_code_and_reason(env: BatchEnvironment) -> None:
    async def scenario() -> None:
        job = await submit(env, '/bin/sh -c "echo broken >&2; exit 3"')
        with pytest.raises(JobFailed) as failure:
            await job.result()
        outcome = failure.value.outcome
        assert (outcome.status, outcome.exit_code) == ("Failed", 3)
        assert "3" in (outcome.status_reason or "")
        assert await job.get("JobStatus") == "Failed"
        assert await job.get("JobExitCode") == 3
        assert await job.get("JobStatusReason") == outcome.status_reason
        assert "broken" in await job.logs("stderr")

    run(scenario)


def test_a_map_over_five_json_elements_gives_five_results_in_order(env: BatchEnvironment) -> None:
    async def scenario() -> None:
        elements = [{"name": name} for name in ("a", "b", "c", "d", "e")]
        array = await map_submit(env, '/bin/sh -c "echo [$REMOTE_BATCH_CHILD_INDEX,$(cat $REMOTE_BATCH_ELEMENT_FILE)] > result.json"', elements)
        assert await array.result() == [[index + 1, element] for index, element in enumerate(elements)]
        assert await array.get("JobStatus") == "Completed"
        assert await array.get("ChildJobCount") == 5
        assert await array.get("ChildJobStatuses") == ["Succeeded"] * 5
        assert await array.get("ChildJobExitCodes") == [0] * 5
        assert await array.get("ChildJobEvaluationResults") == [[index + 1, element] for index, element in enumerate(elements)]
        assert await array.get("ChildJobCounts") == {"active": 0, "running": 0, "succeeded": 5, "failed": 0}
        assert [data["Result"] for data in await array.get("ChildJobEvaluationData")] == [[index + 1, element] for index, element in enumerate(elements)]
        assert await array.get("ProviderSettings") == {"ContainerImage": "node:20-slim", "JobPriority": 0, "VCPUCount": 1}
        assert await array.get("JobSucceededQ") is True
        found = await get_job(env, array.job_id)
        assert isinstance(found, ArrayJob)

    run(scenario)


def test_an_array_whose_results_storage_lost_says_so_naming_the_blob(env: BatchEnvironment) -> None:
    async def scenario() -> None:
        array = await map_submit(env, '/bin/sh -c "echo $(( $(cat $REMOTE_BATCH_ELEMENT_FILE) * 2 )) > result.json"', [1, 2, 3])
        assert await array.result() == [2, 4, 6]
        # What storage gave back short of what the array wrote is an error, never a list of nulls.
        await upload_text(env, array.job_id, ARRAY_RESULTS_BLOB, '{"child":1,"status":"Succeeded","result":2}\n')
        with pytest.raises(StoredStateMissing, match=f"job-{array.job_id}/{ARRAY_RESULTS_BLOB} holds 1 children"):
            await array.get("ChildJobEvaluationResults")

    run(scenario)


def test_readers_of_a_deleted_job_say_it_was_deleted_while_its_status_still_reads(env: BatchEnvironment) -> None:
    async def scenario() -> None:
        job = await submit(env, """/bin/sh -c "echo kept; echo 7 > result.json" """.strip())
        array = await map_submit(env, '/bin/sh -c "cat $REMOTE_BATCH_ELEMENT_FILE > result.json"', [1, 2])
        assert (await job.result(), await array.result()) == (7, [1, 2])
        # What remote-batch delete and clean do to storage: the job's container goes, its workflow stays.
        for gone in (job, array):
            env.blobs().delete_container(container_name(gone.job_id))
        said = f"{job.job_id} was deleted: its blob container job-{job.job_id} is gone"
        with pytest.raises(JobDeleted, match=f"{said} .*, so its log can no longer be read"):
            await job.logs()
        with pytest.raises(JobDeleted, match=f"{said} .*, so its result can no longer be read"):
            await job.result()
        with pytest.raises(JobDeleted, match="so its result can no longer be read"):
            await job.get("EvaluationResult")
        with pytest.raises(JobDeleted, match=f"{array.job_id} was deleted: .*so its child 1's log can no longer be read"):
            await array.child_logs(1)
        with pytest.raises(JobDeleted, match="so its children's results, logs and outputs can no longer be read"):
            await array.get("ChildJobEvaluationResults")
        assert (await job.get("JobStatus"), await array.get("JobStatus")) == ("Succeeded", "Completed")

    run(scenario)


def test_settings_are_checked_at_submit_naming_the_setting(env: BatchEnvironment) -> None:
    async def scenario() -> None:
        for settings, named in (
            (Settings(vcpu_count=0), "VCPUCount"),
            (Settings(job_priority=2), "JobPriority"),
            (Settings(job_priority=float("nan")), "JobPriority must be a number from -1 .* got nan"),
            (Settings(max_retries=-1), "MaxRetries"),
            (Settings(container_image="a" * 5000), r"ContainerImage must name an image in at most 255 characters before its tag \(Docker's limit\); got one of 5000"),
            (Settings(environment_variables={"1BAD": "x"}), "EnvironmentVariables: the name '1BAD' is not a variable name; use letters, digits and underscores"),
        ):
            with pytest.raises(ValueError, match=named):
                await submit(env, "true", settings)
        with pytest.raises(ValueError, match=r"command: the command line has a double quote \(\"\) at character 12 that is never closed"):
            await submit(env, '/bin/sh -c "echo hi')
        with pytest.raises(ValueError, match="items\\[1\\] is not a JSON value"):
            await map_submit(env, "true", [1, float("nan")])
        job = await submit(env, '/bin/sh -c "exit 3"', Settings(max_retries=1))
        outcome = await job.wait()
        assert outcome.status == "Failed"
        assert outcome.exit_code == 3

    run(scenario)


def test_abort_ends_the_job_failed_with_the_reason(env: BatchEnvironment) -> None:
    async def scenario() -> None:
        job = await submit(env, '/bin/sh -c "sleep 60"')

        async def running() -> bool:
            return await job.get("JobStatus") == "Running"

        await until(running, "the job runs")
        with pytest.raises(TypeError, match="abort reason must be a string of at most 1000 characters; got dict"):
            await job.abort({"x": 1})  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="abort reason must be at most 1000 characters; got 2000"):
            await job.abort("x" * 2000)
        assert await job.abort("no longer needed (python)") is True
        outcome = await job.wait()
        assert outcome.status == "Failed"
        assert "no longer needed (python)" in (outcome.status_reason or "")
        assert "no longer needed (python)" in await job.get("JobStatusReason")
        assert await job.abort("again") is False, "a job that has ended says so: there is nothing to abort"

    run(scenario)


def test_an_unreachable_temporal_is_named_by_its_address(env: BatchEnvironment) -> None:
    async def scenario() -> None:
        nowhere = BatchEnvironment(pool_id="local", storage_connection_string=env.storage_connection_string, temporal_address="127.0.0.1:9")
        with pytest.raises(TemporalUnreachable, match=r"^cannot reach the Temporal server at 127\.0\.0\.1:9 \(temporal_address, TEMPORAL_ADDRESS\)"):
            await submit(nowhere, "true")

    run(scenario)


def test_retry_of_a_failed_job_reruns_it_and_succeeds(env: BatchEnvironment, tmp_path: Path) -> None:
    marker = tmp_path / "ran-once"

    async def scenario() -> None:
        # Fails the first time (leaving the marker), succeeds the second.
        command = f'/bin/sh -c "if [ ! -e {marker} ]; then touch {marker}; exit 4; fi; echo 7 > result.json"'
        job = await submit(env, command)
        with pytest.raises(JobFailed) as failure:
            await job.result()
        assert failure.value.outcome.exit_code == 4
        await job.retry()
        assert await job.result() == 7
        state = await job.state()
        assert state["status"] == "Succeeded"
        assert [attempt["exitCode"] for attempt in state["attempts"]] == [4]
        with pytest.raises(RuntimeError, match="nothing that failed"):
            await job.retry()

    run(scenario)


def test_ids_outside_the_container_rule_are_refused_before_anything_starts(env: BatchEnvironment) -> None:
    async def scenario() -> None:
        with pytest.raises(ValueError, match="lowercase"):
            await submit(env, "true", job_id="Py_Upper_1")
        with pytest.raises(ValueError, match=r"items\[1\]"):
            await map_submit(env, "true", [1, float("nan")])

    run(scenario)


def test_input_the_workflow_refuses_fails_it_as_invalid_input_with_no_job_state(env: BatchEnvironment) -> None:
    async def scenario() -> None:
        job_id = f"py-invalid-{uuid.uuid4()}"
        bad_input = {"environment": env.ref, "body": {"kind": "shell", "commandLine": "true"}}
        await (await env.client()).start_workflow("singleJob", bad_input, id=job_id, task_queue=TASK_QUEUE)
        with pytest.raises(WorkflowRefused) as refusal:
            await Job(env, job_id).wait()
        assert refusal.value.failure_type == "InvalidInput"
        assert "body.kind" in str(refusal.value)

    run(scenario)


def test_a_named_labelled_job_is_listed_by_its_label_and_name_and_bad_labels_are_refused(env: BatchEnvironment) -> None:
    async def scenario() -> None:
        team = f"py-{uuid.uuid4().hex[:8]}"
        job = await submit(env, "true", name=f"{team}-train", labels={"team": team, "run": "42"})
        array = await map_submit(env, "true", [1, 2], name=f"{team}-eval", labels={"team": team})
        await job.result()
        await array.result()
        assert await job.get("JobName") == f"{team}-train"
        assert await array.get("JobLabels") == {"team": team}
        await until(lambda: _listed(env, {"team": team}, 2), "both jobs are listed by their label")
        assert await list_jobs(env, labels={"team": team, "run": "42"}) == [job.job_id]
        assert await list_jobs(env, name=f"{team}-e*") == [array.job_id]
        with pytest.raises(ValueError, match=r"^labels\.team: the value \"it's\" must be a string of at most 256"):
            await submit(env, "true", labels={"team": "it's"})
        with pytest.raises(ValueError, match=r"^name must be 1 to 63 letters"):
            await map_submit(env, "true", [1], name="two words")

    run(scenario)


async def _listed(env: BatchEnvironment, labels: dict[str, str], count: int) -> bool:
    return len(await list_jobs(env, labels=labels)) == count
