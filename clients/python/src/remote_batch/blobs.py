"""Blob reads and writes in a job's container, off the event loop (the sync SDK needs no extra HTTP library)."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Optional

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError

from .conventions import container_name
from .environment import BatchEnvironment


async def read_text(env: BatchEnvironment, job_id: str, blob: str) -> Optional[str]:
    def read() -> Optional[str]:
        client = env.blobs().get_blob_client(container_name(job_id), blob)
        try:
            return client.download_blob().readall().decode("utf-8")
        except ResourceNotFoundError:
            return None

    return await asyncio.to_thread(read)


async def read_json(env: BatchEnvironment, job_id: str, blob: str) -> Any:
    text = await read_text(env, job_id, blob)
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
