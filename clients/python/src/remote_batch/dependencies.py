"""Dependencies between jobs (schema/*.input.json `after`): checked as the workflow checks them, unknown ids refused."""

from __future__ import annotations

from typing import Any, Optional, Sequence, Union

from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from .conventions import JOB_ID_PATTERN, JOB_ID_RULE

MAX_DEPENDENCIES = 20
CONDITIONS = ("succeeded", "ended", "failed")


def _job_id_of(job: Any) -> Any:
    return getattr(job, "job_id", job)


def dependencies_input(after: Optional[Sequence[Union[str, Any]]], condition: Optional[str]) -> dict[str, Any]:
    """The input's `after` field from job ids or jobs; empty when there is none."""
    if after is None:
        if condition is not None:
            raise ValueError("after_condition applies with after: give the jobs to run after too.")
        return {}
    if isinstance(after, str) or not isinstance(after, (list, tuple)) or not 1 <= len(after) <= MAX_DEPENDENCIES:
        raise ValueError(f"after must be a list of 1 to {MAX_DEPENDENCIES} job ids or jobs; got {after!r}.")
    job_ids = [_job_id_of(job) for job in after]
    for job_id in job_ids:
        if not isinstance(job_id, str) or not JOB_ID_PATTERN.match(job_id):
            raise ValueError(f"after: {job_id!r} is not a job id: {JOB_ID_RULE}.")
    if len(set(job_ids)) != len(job_ids):
        raise ValueError("after names a job more than once.")
    chosen = condition if condition is not None else "succeeded"
    if chosen not in CONDITIONS:
        raise ValueError(f"after_condition must be 'succeeded', 'ended' or 'failed'; got {condition!r}.")
    return {"after": {"jobIds": job_ids, "condition": chosen}}


async def check_dependencies_exist(client: Client, dependencies: dict[str, Any]) -> None:
    """Refuses, naming them, dependencies that are not workflows of the client's namespace."""
    unknown = []
    for job_id in dependencies.get("after", {}).get("jobIds", []):
        try:
            await client.get_workflow_handle(job_id).describe()
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            unknown.append(job_id)
    if unknown:
        raise ValueError(f"after names jobs that do not exist in Temporal namespace '{client.namespace}': {', '.join(unknown)}.")
