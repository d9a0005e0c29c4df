"""How a job's workflow ended, read the way docs/any-language.md documents it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError, CancelledError

from .conventions import JOB_FAILED_TYPE


@dataclass(frozen=True)
class JobOutcome:
    """A finished job's final state. `status` is Succeeded/Failed for a single job, Completed for an array."""

    status: str
    status_reason: Optional[str]
    exit_code: Optional[int]
    failed: bool
    state: dict[str, Any] = field(repr=False)

    @classmethod
    def of_state(cls, state: dict[str, Any]) -> "JobOutcome":
        if "childCount" in state:
            counts = state.get("counts", {})
            failed = counts.get("failed", 0) > 0 or state.get("abortReason") is not None
        else:
            failed = state.get("status") != "Succeeded"
        return cls(state["status"], state.get("statusReason"), state.get("exitCode"), failed, state)


class JobFailed(Exception):
    """The job ran and Failed (a single job, or an array with a failed or aborted child): its final state is `outcome`."""

    def __init__(self, outcome: JobOutcome) -> None:
        super().__init__(f"Job {outcome.state.get('jobId')} failed: {outcome.status_reason or 'no reason given'}")
        self.outcome = outcome


class WorkflowRefused(Exception):
    """The workflow failed for a reason other than the job's own outcome, e.g. `InvalidInput` or `RemoteBatchRetryRefused`."""

    def __init__(self, failure_type: Optional[str], message: str) -> None:
        super().__init__(f"{failure_type or 'workflow failure'}: {message}")
        self.failure_type = failure_type


def refusal_of_failure(error: WorkflowFailureError) -> WorkflowRefused:
    """The application failure (possibly under an activity failure) a run failed with for a reason other than its job."""
    cause: Optional[BaseException] = error.cause
    while cause is not None and not isinstance(cause, ApplicationError):
        cause = cause.__cause__
    return WorkflowRefused(cause.type if cause is not None else None, str(cause or error.cause or error))


def final_state_of_failure(error: WorkflowFailureError) -> Optional[dict[str, Any]]:
    """The final state a failed or cancelled run carries, or None when it failed for another reason."""
    cause = error.cause
    if isinstance(cause, ApplicationError) and cause.type == JOB_FAILED_TYPE and cause.details:
        return cause.details[0]
    if isinstance(cause, CancelledError) and cause.details and isinstance(cause.details[0], dict):
        return cause.details[0]
    return None
