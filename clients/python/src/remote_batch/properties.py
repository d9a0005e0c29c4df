"""Properties the TypeScript client reads beyond a job's state: attempts, evaluation data, provider settings (src/client/taskJobProperties.ts)."""

from __future__ import annotations

from typing import Any, Optional

from . import blobs
from .conventions import EVALUATION_FILE, RESULT_FILE, task_attempts_blob, task_output_blob
from .environment import BatchEnvironment


def provider_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """ProviderSettings: the settings a job was given or defaulted, by the seed's names; never environment variable values."""
    shown: dict[str, Any] = {
        "ContainerImage": settings.get("containerImage"),
        "JobPriority": settings.get("jobPriority"),
        "VCPUCount": settings.get("vcpuCount"),
    }
    if settings.get("timeConstraint") is not None:
        shown["TimeConstraint"] = settings["timeConstraint"]
    if settings.get("maxRetries"):
        shown["MaxRetries"] = settings["maxRetries"]
    if settings.get("maxParallel") is not None:
        shown["MaxParallel"] = settings["maxParallel"]
    retry_on = settings.get("retryOn")
    if retry_on is not None:
        codes = [{"Start": code["start"], "End": code["end"]} if isinstance(code, dict) else code for code in retry_on["exitCodes"]]
        shown["RetryOn"] = {"ExitCodes": codes, "MaxAttempts": retry_on["maxAttempts"], "BackoffSeconds": retry_on["backoffSeconds"]}
    return shown


async def evaluation_data(env: BatchEnvironment, job_id: str, task_id: str, result: Any = None, known_result: bool = False) -> dict[str, Any]:
    """EvaluationData of an ended task: its result, and the timing and messages a script job recorded (none for a command)."""
    if not known_result:
        result = await blobs.read_json(env, job_id, task_output_blob(task_id, RESULT_FILE), "result")
    try:
        evaluation = await blobs.read_json(env, job_id, task_output_blob(task_id, EVALUATION_FILE), "evaluation data") or {}
    except ValueError:
        evaluation = {}
    data: dict[str, Any] = {"Result": result, "Timing": evaluation.get("timing"), "Messages": evaluation.get("messages", [])}
    if evaluation.get("error"):
        data["Error"] = evaluation["error"]
    return data


async def job_attempts(env: BatchEnvironment, state: dict[str, Any]) -> list[dict[str, Any]]:
    """JobAttempts: each attempt that was run again (Batch's reruns, earlier runs retried), then the current or final one."""
    recorded: list[dict[str, Any]] = list(await blobs.read_json(env, state["jobId"], task_attempts_blob(state["taskId"]), "attempts") or [])
    for run in state.get("attempts", []):
        recorded.append({"kind": "user", "reason": run.get("statusReason") or f"The run ended {run.get('status')}; it was retried.", "round": run.get("completedAt")})
    recorded.sort(key=lambda attempt: attempt.get("round") or "")
    attempts = [{"Attempt": at + 1, "Kind": attempt["kind"], "Status": "Retried", "Reason": attempt["reason"]} for at, attempt in enumerate(recorded)]
    current: dict[str, Any] = {"Attempt": len(recorded) + 1, "Status": state["status"]}
    reason: Optional[str] = state.get("statusReason")
    if reason:
        current["Reason"] = reason
    return attempts + [current]
