"""Blob reads and writes in a job's container, off the event loop (the sync SDK needs no extra HTTP library)."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Optional

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError

from .conventions import container_name
from .environment import BatchEnvironment


class JobDeleted(LookupError):
    """The job's blob container is gone (remote-batch delete or clean removed it): its logs, results and outputs with it. Its status still reads."""

    def __init__(self, job_id: str, what: str) -> None:
        container = container_name(job_id)
        super().__init__(
            f"{job_id} was deleted: its blob container {container} is gone (remote-batch delete or clean removed it), "
            f"so its {what} can no longer be read. Its status still can: remote-batch status {job_id}."
        )
        self.job_id = job_id


async def read_text(env: BatchEnvironment, job_id: str, blob: str, what: str) -> Optional[str]:
    """The blob's text; None when there is no such blob; JobDeleted (naming `what` was to be read) when the job's container is gone."""

    def read() -> Optional[str]:
        client = env.blobs().get_blob_client(container_name(job_id), blob)
        try:
            return client.download_blob().readall().decode("utf-8")
        except ResourceNotFoundError as error:
            if error.error_code == "ContainerNotFound":
                raise JobDeleted(job_id, what) from None
            return None

    return await asyncio.to_thread(read)


async def read_json(env: BatchEnvironment, job_id: str, blob: str, what: str) -> Any:
    text = await read_text(env, job_id, blob, what)
    return None if text is None else json.loads(text)


async def create_container(env: BatchEnvironment, job_id: str, metadata: dict[str, str]) -> None:
    def create() -> None:
        try:
            env.blobs().create_container(container_name(job_id), metadata=metadata)
        except ResourceExistsError:
            env.blobs().get_container_client(container_name(job_id)).set_container_metadata(metadata)

    await asyncio.to_thread(create)


async def set_container_metadata(env: BatchEnvironment, job_id: str, metadata: dict[str, str]) -> None:
    await asyncio.to_thread(lambda: env.blobs().get_container_client(container_name(job_id)).set_container_metadata(metadata))


async def upload_text(env: BatchEnvironment, job_id: str, blob: str, text: str) -> None:
    data = text.encode("utf-8")
    await asyncio.to_thread(lambda: env.blobs().get_blob_client(container_name(job_id), blob).upload_blob(data, overwrite=True))
