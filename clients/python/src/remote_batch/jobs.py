"""Job objects: a single command job and an array (map) job, read by the seed's property names."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from typing import Any, Optional

from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError, WorkflowHandle

from . import blobs
from .conventions import (
    ARRAY_RESULTS_BLOB,
    TASK_QUEUE,
    check_reason,
    child_task_id,
    task_log_blob,
    task_output_blob,
    RESULT_FILE,
)
from .environment import BatchEnvironment
from .outcome import JobFailed, JobOutcome, final_state_of_failure, refusal_of_failure
from .properties import evaluation_data, job_attempts, provider_settings

SINGLE_PROPERTIES = (
    "JobStatus", "JobType", "JobUUID", "Provider", "Environment", "JobInProgressQ", "JobSucceededQ", "JobFailedQ",
    "JobStatusReason", "JobName", "JobLabels", "ProviderJobID", "ProviderTaskID", "JobSubmissionTime", "JobStartTime", "JobCompletionTime",
    "JobExitCode", "JobAttempts", "JobLog", "JobStandardErrorLog", "EvaluationResult", "EvaluationData", "EvaluationTiming",
    "JobInputFilenames", "ProviderSettings", "Properties",
)
ARRAY_PROPERTIES = (
    "JobStatus", "JobType", "JobUUID", "Provider", "Environment", "JobInProgressQ", "JobSucceededQ", "JobFailedQ",
    "JobStatusReason", "JobName", "JobLabels", "ProviderJobID", "ProviderFirstTaskID", "JobSubmissionTime", "JobStartTime", "JobCompletionTime",
    "ChildJobCount", "ChildJobStatuses", "ChildJobExitCodes", "ChildJobStatusReasons", "ChildJobEvaluationResults",
    "ChildJobEvaluationData", "ChildJobCounts", "JobInputFilenames", "ProviderSettings", "Properties",
)


def _time(value: Optional[str]) -> Optional[datetime]:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _retry_refusal(job_id: str, state: Optional[dict[str, Any]]) -> Optional[str]:
    """Why a closed run cannot be retried (the checks docs/any-language.md leaves to clients), or None."""
    if state is None:
        return f"{job_id} has no state to retry from."
    if not JobOutcome.of_state(state).failed:
        return f"{job_id} has nothing that failed to retry."
    until = _time(state.get("retryUntil"))
    if until is None:
        return f"{job_id} cannot be retried: its Azure job was ended (aborted, cancelled or never created)."
    if until <= datetime.now(timezone.utc):
        return f"{job_id} cannot be retried: its retry window ended at {state['retryUntil']}."
    return None


def _log_name(stream: str) -> str:
    return "standard error log" if stream == "stderr" else "log"


class StoredStateMissing(RuntimeError):
    """Storage holds less than the job recorded (a blob lost or deleted after the job ended)."""


class _Job:
    workflow_type: str
    properties: tuple[str, ...]

    def __init__(self, env: BatchEnvironment, job_id: str, run_id: Optional[str] = None) -> None:
        self.env = env
        self.job_id = job_id
        self._run_id = run_id

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.job_id!r})"

    async def _handle(self, run_id: Optional[str] = None) -> WorkflowHandle[Any, Any]:
        return (await self.env.client()).get_workflow_handle(self.job_id, run_id=run_id)

    async def state(self) -> dict[str, Any]:
        """The job's state document (schema/*.state.json): the latest run's memo, or its `state` query before the memo is set."""
        handle = await self._handle()
        description = await handle.describe()
        state = await description.memo_value("state", None)
        if state is None:
            state = await handle.query("state")
        return state

    async def wait(self) -> JobOutcome:
        """Waits for the run to end; the final state from its result, its failure's details, or (cancelled) its memo."""
        handle = await self._handle(self._run_id)
        try:
            return JobOutcome.of_state(await handle.result())
        except WorkflowFailureError as error:
            state = final_state_of_failure(error)
            if state is None and (await handle.describe()).status == WorkflowExecutionStatus.CANCELED:
                state = await self.state()
            if state is None:
                raise refusal_of_failure(error) from error
            return JobOutcome.of_state(state)

    async def abort(self, reason: str = "no reason given") -> bool:
        """
        Terminates the Azure job; the job (every unfinished child) ends Failed with a reason quoting `reason`.
        Returns True when the abort was requested, False when the job had already ended (it stays as it was).
        """
        check_reason(reason)
        handle = await self._handle()
        if (await handle.describe()).status != WorkflowExecutionStatus.RUNNING:
            return False
        state = await self.state()
        if state.get("closed") or state["status"] in ("Succeeded", "Failed"):
            return False
        await handle.signal("abort", reason)
        return True

    async def retry(self) -> None:
        """Reruns what failed, over the same Azure job, as a new run of the same workflow id (within the retry window)."""
        description = await (await self._handle()).describe()
        if description.status == WorkflowExecutionStatus.RUNNING:
            raise RuntimeError(f"{self.job_id} is still running: only a closed run can be retried.")
        previous = await description.memo_value("state", None)
        refusal = _retry_refusal(self.job_id, previous)
        if refusal:
            raise RuntimeError(refusal)
        handle = await (await self.env.client()).start_workflow(
            description.workflow_type,
            {"retry": {"previousRunId": description.run_id}},
            id=self.job_id,
            task_queue=TASK_QUEUE,
        )
        self._run_id = handle.result_run_id

    async def _common(self, name: str, state: dict[str, Any], finished: bool, failed: bool) -> Any:
        if name == "JobStatus":
            return state["status"]
        if name == "JobUUID":
            return self.job_id.removeprefix("rb-")
        if name == "Provider":
            return "AzureBatch"
        if name == "Environment":
            return str(self.env)
        if name == "JobInProgressQ":
            return not finished
        if name == "JobSucceededQ":
            return finished and not failed
        if name == "JobFailedQ":
            return finished and failed
        if name == "JobStatusReason":
            return state.get("statusReason")
        if name == "JobName":
            return state.get("name")
        if name == "JobLabels":
            return state.get("labels", {})
        if name == "ProviderJobID":
            return state["jobId"]
        if name == "JobSubmissionTime":
            return _time(state.get("submittedAt"))
        if name == "JobStartTime":
            return _time(state.get("startedAt"))
        if name == "JobCompletionTime":
            return _time(state.get("completedAt"))
        if name == "JobInputFilenames":
            return state.get("inputNames", [])
        if name == "ProviderSettings":
            return provider_settings(state.get("settings", {}))
        if name == "Properties":
            return list(self.properties)
        raise KeyError(name)

    def _check(self, name: str) -> None:
        if name not in self.properties:
            raise KeyError(f"{name!r} is not a property of a {self.workflow_type} job; known: {', '.join(self.properties)}.")


class Job(_Job):
    """A single job (the seed's JobType Single): one Azure job with task 10000000."""

    workflow_type = "singleJob"
    properties = SINGLE_PROPERTIES

    async def get(self, name: str) -> Any:
        self._check(name)
        state = await self.state()
        finished = state["status"] in ("Succeeded", "Failed")
        if name == "JobType":
            return "Single"
        if name == "ProviderTaskID":
            return state["taskId"]
        if name == "JobExitCode":
            return state.get("exitCode")
        if name in ("JobLog", "JobStandardErrorLog"):
            return await self.logs("stdout" if name == "JobLog" else "stderr") if finished else None
        if name == "EvaluationResult":
            return await blobs.read_json(self.env, state["jobId"], task_output_blob(state["taskId"], RESULT_FILE), "result") if finished else None
        if name in ("EvaluationData", "EvaluationTiming"):
            data = await evaluation_data(self.env, state["jobId"], state["taskId"]) if finished else None
            return data if name == "EvaluationData" or data is None else data["Timing"]
        if name == "JobAttempts":
            return await job_attempts(self.env, state)
        return await self._common(name, state, finished, state["status"] == "Failed")

    async def result(self) -> Any:
        """Waits for the job; its EvaluationResult (the JSON it wrote to result.json), or JobFailed when it Failed."""
        outcome = await self.wait()
        if outcome.failed:
            raise JobFailed(outcome)
        return await blobs.read_json(self.env, self.job_id, task_output_blob(outcome.state["taskId"], RESULT_FILE), "result")

    async def logs(self, stream: str = "stdout") -> str:
        """The task's stdout (or stderr) from Blob Storage, once the job has ended; waits for the end."""
        outcome = await self.wait()
        return await blobs.read_text(self.env, self.job_id, task_log_blob(outcome.state["taskId"], f"{stream}.txt"), _log_name(stream)) or ""


class ArrayJob(_Job):
    """An array job (the seed's JobType Array): child n (from 1) runs as task 10000000 + n of one Azure job."""

    workflow_type = "arrayJob"
    properties = ARRAY_PROPERTIES

    async def children(self, state: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
        """Every child's outcome, in order, from the ended array's results blob (schema/arrayJob.results.json)."""
        state = state or await self.state()
        if state["status"] != "Completed":
            raise RuntimeError(f"Array {self.job_id} is still {state['status']}: its children's results are readable once it has ended; its state's counts show its progress.")
        where = f"job-{state['jobId']}/{ARRAY_RESULTS_BLOB}"
        text = await blobs.read_text(self.env, state["jobId"], ARRAY_RESULTS_BLOB, "children's results, logs and outputs")
        if text is None:
            raise StoredStateMissing(f"Array {state['jobId']} has ended, but its results blob {where} is not in storage: storage lost it, or it was deleted.")
        children = [json.loads(line) for line in text.splitlines() if line]
        succeeded = sum(1 for child in children if child["status"] == "Succeeded")
        if len(children) != state["childCount"] or succeeded != state["counts"]["succeeded"]:
            raise StoredStateMissing(
                f"{where} holds {len(children)} children, {succeeded} succeeded, where array {state['jobId']} recorded "
                f"{state['childCount']}, {state['counts']['succeeded']} succeeded: storage gave back less than the array wrote."
            )
        return children

    async def get(self, name: str) -> Any:
        self._check(name)
        state = await self.state()
        finished = state["status"] == "Completed"
        failed = state.get("counts", {}).get("failed", 0) > 0 or state.get("abortReason") is not None
        if name == "JobType":
            return "Array"
        if name == "ProviderFirstTaskID":
            return child_task_id(1)
        if name == "ChildJobCount":
            return state["childCount"]
        if name == "ChildJobCounts":
            return dict(state["counts"])
        if name == "ChildJobStatuses":
            return [child["status"] for child in await self.children(state)]
        if name == "ChildJobExitCodes":
            return [child.get("exitCode") for child in await self.children(state)]
        if name == "ChildJobStatusReasons":
            return [child.get("reason") for child in await self.children(state)]
        if name == "ChildJobEvaluationResults":
            return [child["result"] for child in await self.children(state)]
        if name == "ChildJobEvaluationData":
            children = await self.children(state)
            return list(await asyncio.gather(*(evaluation_data(self.env, state["jobId"], child_task_id(child["child"]), child.get("result"), known_result=True) for child in children)))
        return await self._common(name, state, finished, failed)

    async def set_max_parallel(self, max_parallel: Optional[int]) -> None:
        """Changes MaxParallel while the array runs (None: no limit); returns once Batch has it (the setMaxParallel update)."""
        from .submit import check_max_parallel

        if max_parallel is not None:
            check_max_parallel(max_parallel)
        await (await self._handle()).execute_update("setMaxParallel", max_parallel)

    async def result(self) -> list[Any]:
        """Waits for every child; their results in element order, or JobFailed when any child Failed."""
        outcome = await self.wait()
        if outcome.failed:
            raise JobFailed(outcome)
        return [child["result"] for child in await self.children(outcome.state)]

    async def child_logs(self, child: int, stream: str = "stdout") -> str:
        """Child `child`'s stdout (or stderr) from Blob Storage, once the array has ended; waits for the end."""
        outcome = await self.wait()
        if not 1 <= child <= outcome.state["childCount"]:
            raise IndexError(f"Array {self.job_id} has children 1 to {outcome.state['childCount']}; got {child}.")
        return await blobs.read_text(self.env, self.job_id, task_log_blob(child_task_id(child), f"{stream}.txt"), f"child {child}'s {_log_name(stream)}") or ""
