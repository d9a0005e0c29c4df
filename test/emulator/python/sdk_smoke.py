"""Drives the emulator with the official Python Batch SDK (azure-batch 15.x, api-version 2025-06-01), unmodified.

Usage: python sdk_smoke.py <batch-url> <account> <base64-key>
Prints one JSON line with what it observed; exits non-zero on any failure.
"""
import json
import sys
import time

from azure.batch import BatchClient, models
from azure.core.credentials import AzureNamedKeyCredential
from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError


def main(url: str, account: str, key: str) -> None:
    client = BatchClient(endpoint=url, credential=AzureNamedKeyCredential(account, key))
    job_id = "python-sdk-job"
    client.create_job(models.BatchJobCreateOptions(id=job_id, pool_info=models.BatchPoolInfo(pool_id="local")))
    try:
        client.create_job(models.BatchJobCreateOptions(id=job_id, pool_info=models.BatchPoolInfo(pool_id="local")))
        duplicate = "accepted"
    except ResourceExistsError as error:
        duplicate = error.error.code if error.error else "ResourceExistsError"

    tasks = [
        models.BatchTaskCreateOptions(id=f"py-{i}", command_line=f"/bin/sh -c 'echo hello from {i}; exit {i % 2}'")
        for i in range(4)
    ]
    added = client.create_tasks(job_id, tasks)
    statuses = sorted(getattr(result.status, "value", str(result.status)) for result in added.result_values)

    deadline = time.time() + 30
    while True:
        counts = client.get_job_task_counts(job_id)
        if counts.task_counts.completed == 4:
            break
        if time.time() > deadline:
            raise TimeoutError("tasks did not complete")
        time.sleep(0.1)

    failed = [task.id for task in client.list_tasks(job_id, filter="executionInfo/exitCode eq 1", select=["id"])]
    first_page = client.list_tasks(job_id, max_results=2)
    listed = sorted(task.id for task in first_page)
    task = client.get_task(job_id, "py-2")
    stdout = b"".join(client.download_task_file(job_id, "py-2", "stdout.txt")).decode()
    try:
        client.get_task(job_id, "missing")
        missing = "found"
    except ResourceNotFoundError as error:
        missing = error.error.code if error.error else "ResourceNotFoundError"

    client.delete_task(job_id, "py-0")
    remaining = sorted(task.id for task in client.list_tasks(job_id))

    print(json.dumps({
        "afterDelete": remaining,
        "jobState": getattr(client.get_job(job_id).state, "value", None),
        "duplicateJob": duplicate,
        "addStatuses": statuses,
        "failed": sorted(failed),
        "listed": listed,
        "state": str(task.state.value if hasattr(task.state, "value") else task.state),
        "exitCode": task.execution_info.exit_code,
        # Batch's seven-digit fractions parse to datetimes, ordered as they happened.
        "timesParsed": task.creation_time <= task.execution_info.start_time <= task.execution_info.end_time <= task.state_transition_time,
        "stdout": stdout,
        "missingTask": missing,
        "succeeded": counts.task_counts.succeeded,
    }))


if __name__ == "__main__":
    main(*sys.argv[1:4])
