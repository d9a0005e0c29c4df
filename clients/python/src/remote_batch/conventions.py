"""Names shared with the TypeScript side (src/model/conventions.ts, src/model/arrayJob.ts)."""

from __future__ import annotations

import re

TASK_QUEUE = "remote-batch"
SINGLE_JOB_TASK_ID = "10000000"
FIRST_CHILD_TASK_ID = 10000001
CHILDREN_PER_BLOB = 1000
JOB_FAILED_TYPE = "RemoteBatchJobFailed"
RESULT_FILE = "result.json"
EVALUATION_FILE = "evaluation.json"
# The longest abort reason a job keeps (src/workflows/messages.ts); the workflow leaves a longer one out.
MAX_REASON_LENGTH = 1000

JOB_ID_PATTERN = re.compile(r"^(?=.{1,59}$)[a-z0-9]+(?:-[a-z0-9]+)*$")
JOB_ID_RULE = (
    "1 to 59 lowercase letters, digits and hyphens, starting and ending with a letter or digit, "
    "no two hyphens in a row (its blob container is job-<job id>)"
)

# Blob metadata that marks a container whose workflow has not started yet (the reconciler removes it if it never does).
PENDING_WORKFLOW_ID = "remotebatchworkflowid"
PENDING_UPLOADED_AT = "remotebatchuploadedat"

# An ended array's results, one JSON line per child (schema/arrayJob.results.json).
ARRAY_RESULTS_BLOB = "results.jsonl"


def check_job_id(job_id: str) -> str:
    if not isinstance(job_id, str) or not JOB_ID_PATTERN.match(job_id):
        raise ValueError(f"job_id {job_id!r} is not a valid job id: {JOB_ID_RULE}.")
    return job_id


def container_name(job_id: str) -> str:
    return f"job-{job_id}"


def child_task_id(child: int) -> str:
    return str(FIRST_CHILD_TASK_ID - 1 + child)


def blob_count(child_count: int) -> int:
    return child_count // CHILDREN_PER_BLOB + 1


def children_of_blob(index: int, child_count: int) -> tuple[int, int]:
    """First and last child (1-based) of chunk/shard blob `index`; blob 0 starts at child 1."""
    return max(1, index * CHILDREN_PER_BLOB), min(child_count, index * CHILDREN_PER_BLOB + CHILDREN_PER_BLOB - 1)


def element_chunk_blob(index: int) -> str:
    return f"inputs/elements/{index:06d}.jsonl"


def task_output_blob(task_id: str, name: str) -> str:
    return f"{task_id}/$TaskOutput/{name}"


def task_log_blob(task_id: str, name: str) -> str:
    return f"{task_id}/$TaskLog/{name}"


def task_attempts_blob(task_id: str) -> str:
    """A single job's rerun attempts (JobAttempts), kept beside its outputs."""
    return f"state/attempts/{task_id}.json"


def check_reason(reason: object, what: str = "abort") -> str:
    """An abort reason as the workflow takes it: a string of at most MAX_REASON_LENGTH characters."""
    if not isinstance(reason, str):
        raise TypeError(f"{what} reason must be a string of at most {MAX_REASON_LENGTH} characters; got {type(reason).__name__}.")
    if len(reason) > MAX_REASON_LENGTH:
        raise ValueError(f"{what} reason must be at most {MAX_REASON_LENGTH} characters; got {len(reason)}.")
    return reason
