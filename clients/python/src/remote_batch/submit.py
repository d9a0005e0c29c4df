"""Starting jobs: the seed's RemoteBatchSubmit (command jobs) and RemoteBatchMapSubmit (a command over JSON elements)."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Optional, Sequence, Union

from . import blobs
from .conventions import (
    PENDING_UPLOADED_AT,
    PENDING_WORKFLOW_ID,
    TASK_QUEUE,
    blob_count,
    check_job_id,
    children_of_blob,
    element_chunk_blob,
)
from .dependencies import check_dependencies_exist, dependencies_input
from .environment import BatchEnvironment
from .notify import notify_input
from .identity import identity_input
from .jobs import ArrayJob, Job

MAX_ELEMENTS = 1_000_000
MAX_CHILDREN = 100_000


MAX_RETRIES = 100
MAX_PARALLEL = 100_000


def check_max_parallel(value: Any) -> None:
    """MaxParallel: a whole number from 1 (the most children of an array running at once)."""
    if not (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_PARALLEL):
        raise ValueError(f"MaxParallel must be a whole number from 1 to {MAX_PARALLEL:,} (the most children of an array running at once); got {value!r}.")


# A Docker image's name (before its tag and digest) is at most this long; ASCII names of environment variables.
MAX_IMAGE_NAME_LENGTH = 255
ENVIRONMENT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _image_name_length(image: str) -> int:
    without_digest = image.split("@")[0]
    tag = without_digest.rfind(":")
    return len(without_digest[:tag] if tag > without_digest.rfind("/") else without_digest)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and value not in (float("inf"), float("-inf"))


@dataclass
class RetryOn:
    """Exit codes (1 to 255) and ranges (start, end) that earn a rerun: at most max_attempts runs, backoff_seconds apart."""

    exit_codes: Sequence[int | tuple[int, int]]
    max_attempts: int = 3
    backoff_seconds: float = 0

    def check(self) -> None:
        if not self.exit_codes:
            raise ValueError("RetryOn.ExitCodes must name at least one exit code.")
        for code in self.exit_codes:
            bounds = code if isinstance(code, tuple) else (code, code)
            if not all(isinstance(bound, int) and not isinstance(bound, bool) and 1 <= bound <= 255 for bound in bounds) or len(bounds) != 2:
                raise ValueError(f"RetryOn.ExitCodes: {code!r} is not an exit code; exit codes are whole numbers from 1 to 255, or ranges (start, end) within them.")
            if bounds[0] > bounds[1]:
                raise ValueError(f"RetryOn.ExitCodes: the range {code!r} ends before it starts.")
        if not (isinstance(self.max_attempts, int) and not isinstance(self.max_attempts, bool) and 2 <= self.max_attempts <= 100):
            raise ValueError(f"RetryOn.MaxAttempts must be a whole number from 2 to 100 (runs of the task, the first included); got {self.max_attempts!r}.")
        if not (_number(self.backoff_seconds) and 0 <= self.backoff_seconds <= 3600):
            raise ValueError(f"RetryOn.BackoffSeconds must be a number of seconds from 0 to 3600; got {self.backoff_seconds!r}.")

    def to_json(self) -> dict[str, Any]:
        codes = [{"start": code[0], "end": code[1]} if isinstance(code, tuple) else code for code in self.exit_codes]
        return {"exitCodes": codes, "maxAttempts": self.max_attempts, "backoffSeconds": self.backoff_seconds}


@dataclass
class Settings:
    """The seed's provider settings; None leaves the workflow's default (node:20-slim, priority 0, 1 vCPU, no retries)."""

    container_image: Optional[str] = None
    job_priority: Optional[float] = None
    vcpu_count: Optional[int] = None
    time_constraint: Optional[float] = None
    max_retries: Optional[int] = None
    max_parallel: Optional[int] = None
    """Arrays only: the most children running at once (the Azure job's maxParallelTasks); ArrayJob.set_max_parallel changes it."""
    retry_on: Optional[RetryOn] = None
    """Exit codes that earn a rerun (for an array: per child), beside max_retries."""
    environment_variables: dict[str, str] = field(default_factory=dict)

    def check(self) -> None:
        """Refuses, naming the setting and what it allows, what the workflow would refuse (schema/*.input.json)."""
        if self.container_image is not None and (not isinstance(self.container_image, str) or not self.container_image.strip()):
            raise ValueError(f"ContainerImage must be a Docker image reference such as 'node:20-slim'; got {self.container_image!r}.")
        if self.container_image is not None and _image_name_length(self.container_image) > MAX_IMAGE_NAME_LENGTH:
            raise ValueError(
                f"ContainerImage must name an image in at most {MAX_IMAGE_NAME_LENGTH} characters before its tag (Docker's limit); "
                f"got one of {_image_name_length(self.container_image)}."
            )
        if self.job_priority is not None and not (_number(self.job_priority) and -1 <= self.job_priority <= 1):
            raise ValueError(f"JobPriority must be a number from -1 (lowest) to 1 (highest); got {self.job_priority!r}.")
        if self.vcpu_count is not None and not (isinstance(self.vcpu_count, int) and not isinstance(self.vcpu_count, bool) and self.vcpu_count >= 1):
            raise ValueError(f"VCPUCount must be a whole number of at least 1; got {self.vcpu_count!r}.")
        if self.time_constraint is not None and not (_number(self.time_constraint) and self.time_constraint > 0):
            raise ValueError(f"TimeConstraint must be a positive number of seconds; got {self.time_constraint!r}.")
        if self.max_retries is not None and not (isinstance(self.max_retries, int) and not isinstance(self.max_retries, bool) and 0 <= self.max_retries <= MAX_RETRIES):
            raise ValueError(f"MaxRetries must be a whole number from 0 to {MAX_RETRIES}; got {self.max_retries!r}.")
        if self.max_parallel is not None:
            check_max_parallel(self.max_parallel)
        if self.retry_on is not None:
            self.retry_on.check()
        for name, value in self.environment_variables.items():
            if not (isinstance(name, str) and ENVIRONMENT_NAME.match(name)):
                raise ValueError(
                    f"EnvironmentVariables: the name {name!r} is not a variable name; use letters, digits and underscores, "
                    "not starting with a digit (such as MY_VAR)."
                )
            if not isinstance(value, str):
                raise ValueError(f'EnvironmentVariables: every value must be a string (quote numbers: "1"); got {value!r} for {name}.')

    def to_json(self) -> dict[str, Any]:
        named = {
            "containerImage": self.container_image,
            "jobPriority": self.job_priority,
            "vcpuCount": self.vcpu_count,
            "timeConstraint": self.time_constraint,
            "maxRetries": self.max_retries,
            "maxParallel": self.max_parallel,
        }
        return {
            **{key: value for key, value in named.items() if value is not None},
            **({"retryOn": self.retry_on.to_json()} if self.retry_on is not None else {}),
            "environmentVariables": dict(self.environment_variables),
        }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _job_id(job_id: Optional[str]) -> str:
    return check_job_id(job_id) if job_id is not None else f"rb-{uuid.uuid4()}"


def _job_input(env: BatchEnvironment, job_id: str, command: str, settings: Settings, submitted_at: str, **extra: Any) -> dict[str, Any]:
    """The workflow input both job types share (schema/*.input.json): names and settings, never credentials."""
    return {
        "jobId": job_id,
        "environment": env.ref,
        "body": {"kind": "command", "commandLine": command},
        "settings": settings.to_json(),
        "inputs": [],
        "submittedAt": submitted_at,
        **extra,
    }


def _unclosed_quote(command: str) -> Optional[tuple[str, int]]:
    """The quote Batch's split of the command line would find never closed (as a shell splits it), and where it opens."""
    quote: Optional[tuple[str, int]] = None
    at = 0
    while at < len(command):
        char = command[at]
        if quote:
            if char == quote[0]:
                quote = None
            elif quote[0] == '"' and char == "\\":
                at += 1
        elif char == "\\":
            at += 1
        elif char in "\"'":
            quote = (char, at + 1)
        at += 1
    return quote


def _check_command(command: str) -> None:
    if not isinstance(command, str) or not command.strip():
        raise ValueError("command must be a non-empty command line.")
    unclosed = _unclosed_quote(command)
    if unclosed:
        kind = "double" if unclosed[0] == '"' else "single"
        raise ValueError(
            f"command: the command line has a {kind} quote ({unclosed[0]}) at character {unclosed[1]} that is never closed; got {command!r}. "
            f"Close it, or escape it with a backslash (\\{unclosed[0]}) to pass the quote itself."
        )


async def submit(
    env: BatchEnvironment,
    command: str,
    settings: Optional[Settings] = None,
    *,
    job_id: Optional[str] = None,
    name: Optional[str] = None,
    labels: Optional[dict[str, str]] = None,
    after: Optional[Sequence[Union[str, Job, ArrayJob]]] = None,
    after_condition: Optional[str] = None,
    notify: Optional[dict[str, Any]] = None,
) -> Job:
    """Starts a command job; it may write its result (JSON) to result.json in its working directory."""
    _check_command(command)
    settings = settings or Settings()
    settings.check()
    if settings.max_parallel is not None:
        raise ValueError("MaxParallel applies to array jobs (the most children running at once); a single job runs one task. Leave it out.")
    identity = identity_input(name, labels)
    dependencies = dependencies_input(after, after_condition)
    notification = notify_input(notify)
    job_id = _job_id(job_id)
    job_input = _job_input(env, job_id, command, settings, _now(), **identity, **dependencies, **notification)
    client = await env.client()
    await check_dependencies_exist(client, dependencies)
    handle = await client.start_workflow("singleJob", job_input, id=job_id, task_queue=TASK_QUEUE)
    return Job(env, job_id, handle.first_execution_run_id)


def _json(value: Any, at: int) -> str:
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise ValueError(f"items[{at}] is not a JSON value ({error}); every element must be one.") from None


def _chunks(items: Sequence[Any], span_size: int, child_count: int) -> list[str]:
    """One JSON line per child (its element, or its span's elements as a list), a thousand children per chunk blob."""
    chunks = []
    for index in range(blob_count(child_count)):
        first, last = children_of_blob(index, child_count)
        lines = []
        for child in range(first, last + 1):
            start = (child - 1) * span_size
            span = [_json(items[at], at) for at in range(start, min(start + span_size, len(items)))]
            lines.append(span[0] if span_size == 1 else f"[{','.join(span)}]")
        chunks.append("\n".join(lines))
    return chunks


async def map_submit(
    env: BatchEnvironment,
    command: str,
    items: Sequence[Any],
    settings: Optional[Settings] = None,
    *,
    span_size: int = 1,
    job_id: Optional[str] = None,
    name: Optional[str] = None,
    labels: Optional[dict[str, str]] = None,
    after: Optional[Sequence[Union[str, Job, ArrayJob]]] = None,
    after_condition: Optional[str] = None,
    notify: Optional[dict[str, Any]] = None,
) -> ArrayJob:
    """Starts an array job: child n runs `command` with its element (JSON) in the file named by REMOTE_BATCH_ELEMENT_FILE."""
    _check_command(command)
    if not isinstance(span_size, int) or span_size < 1:
        raise ValueError(f"span_size must be a whole number of elements per child, at least 1; got {span_size!r}.")
    if not items:
        raise ValueError("items: map_submit needs a non-empty list of elements to map over.")
    if len(items) > MAX_ELEMENTS:
        raise ValueError(f"items: an array job maps over at most {MAX_ELEMENTS:,} elements; got {len(items):,}.")
    child_count = -(-len(items) // span_size)
    if child_count > MAX_CHILDREN:
        raise ValueError(f"items: {len(items):,} elements in spans of {span_size} make {child_count:,} children; at most {MAX_CHILDREN:,}.")
    settings = settings or Settings()
    settings.check()
    identity = identity_input(name, labels)
    dependencies = dependencies_input(after, after_condition)
    notification = notify_input(notify)
    await check_dependencies_exist(await env.client(), dependencies)
    job_id = _job_id(job_id)
    # Serialized before anything is created: a bad element is an error, not a half-made job.
    chunks = _chunks(items, span_size, child_count)

    await blobs.create_container(env, job_id, {PENDING_WORKFLOW_ID: job_id, PENDING_UPLOADED_AT: _now()})
    await asyncio.gather(*(blobs.upload_text(env, job_id, element_chunk_blob(index), text) for index, text in enumerate(chunks)))
    job_input = _job_input(env, job_id, command, settings, _now(), elementCount=len(items), spanSize=span_size, **identity, **dependencies, **notification)
    client = await env.client()
    handle = await client.start_workflow("arrayJob", job_input, id=job_id, task_queue=TASK_QUEUE)
    await blobs.set_container_metadata(env, job_id, {PENDING_WORKFLOW_ID: job_id})
    return ArrayJob(env, job_id, handle.first_execution_run_id)
