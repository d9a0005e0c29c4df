"""Python client for remote-batch's workflows (docs/any-language.md, "From Python")."""

from __future__ import annotations

from .environment import BatchEnvironment
from .jobs import ArrayJob, Job
from .outcome import JobFailed, JobOutcome, WorkflowRefused
from .submit import Settings, map_submit, submit


async def get_job(env: BatchEnvironment, job_id: str) -> Job | ArrayJob:
    """An existing job by id, single or array by its state."""
    job = Job(env, job_id)
    return ArrayJob(env, job_id) if "childCount" in await job.state() else job


__all__ = ["ArrayJob", "BatchEnvironment", "Job", "JobFailed", "JobOutcome", "Settings", "WorkflowRefused", "get_job", "map_submit", "submit"]
