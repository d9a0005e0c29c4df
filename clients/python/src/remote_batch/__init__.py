"""Python client for remote-batch's workflows (docs/any-language.md, "From Python")."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from .blobs import JobDeleted
from .environment import BatchEnvironment, TemporalUnreachable
from .identity import list_query
from .jobs import ArrayJob, Job
from .outcome import JobFailed, JobOutcome, WorkflowRefused
from .submit import RetryOn, Settings, map_submit, submit


async def get_job(env: BatchEnvironment, job_id: str) -> Job | ArrayJob:
    """An existing job by id, single or array by its state."""
    job = Job(env, job_id)
    return ArrayJob(env, job_id) if "childCount" in await job.state() else job


async def list_jobs(env: BatchEnvironment, *, name: Optional[str] = None, labels: Optional[dict[str, str]] = None) -> list[str]:
    """Ids of the environment's jobs of a name (`nightly*`: every name that starts so) with every one of the labels, newest first."""
    client = await env.client()
    newest: dict[str, datetime] = {}
    async for execution in client.list_workflows(list_query(env.ref, name, labels)):
        if execution.id not in newest or newest[execution.id] < execution.start_time:
            newest[execution.id] = execution.start_time
    return sorted(newest, key=newest.__getitem__, reverse=True)


__all__ = ["ArrayJob", "BatchEnvironment", "Job", "JobDeleted", "JobFailed", "JobOutcome", "RetryOn", "Settings", "TemporalUnreachable", "WorkflowRefused", "get_job", "list_jobs", "map_submit", "submit"]
