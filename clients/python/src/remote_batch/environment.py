"""The seed's RemoteBatchSubmissionEnvironment: a pool, a connection name, where Temporal and the job blobs are."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from typing import Optional

from azure.storage.blob import BlobServiceClient
from temporalio.client import Client


class TemporalUnreachable(ConnectionError):
    """No Temporal server answered at the environment's address: it names the address, not only the transport's words."""

    def __init__(self, address: str, cause: BaseException) -> None:
        detail = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
        super().__init__(
            f"cannot reach the Temporal server at {address} (temporal_address, TEMPORAL_ADDRESS); is it running? "
            f"'remote-batch stack' starts a local one. ({detail})"
        )
        self.address = address


@dataclass
class BatchEnvironment:
    """`connection` names a connection the worker knows; the storage connection string is only this client's own."""

    pool_id: str
    storage_connection_string: str
    connection: str = "local"
    temporal_address: str = "127.0.0.1:7233"
    namespace: str = "default"
    _client: Optional[Client] = field(default=None, init=False, repr=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)
    _blobs: Optional[BlobServiceClient] = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.pool_id:
            raise ValueError("pool_id is required: the Azure Batch pool jobs go to.")
        if not self.storage_connection_string:
            raise ValueError("storage_connection_string is required: results, logs and array elements live in Blob Storage.")

    @classmethod
    def from_env(cls, pool_id: str, connection: Optional[str] = None) -> "BatchEnvironment":
        """Reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, REMOTE_BATCH_CONNECTION and AZURE_STORAGE_CONNECTION_STRING."""
        return cls(
            pool_id=pool_id,
            storage_connection_string=os.environ.get("AZURE_STORAGE_CONNECTION_STRING", ""),
            connection=connection or os.environ.get("REMOTE_BATCH_CONNECTION", "local"),
            temporal_address=os.environ.get("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
            namespace=os.environ.get("TEMPORAL_NAMESPACE", "default"),
        )

    @property
    def ref(self) -> dict[str, str]:
        """What the workflow input carries: names only, never credentials."""
        return {"poolId": self.pool_id, "connection": self.connection}

    async def client(self) -> Client:
        async with self._lock:
            if self._client is None:
                try:
                    self._client = await Client.connect(self.temporal_address, namespace=self.namespace)
                except RuntimeError as error:
                    raise TemporalUnreachable(self.temporal_address, error) from error
            return self._client

    def blobs(self) -> BlobServiceClient:
        if self._blobs is None:
            self._blobs = BlobServiceClient.from_connection_string(self.storage_connection_string)
        return self._blobs

    def __str__(self) -> str:
        return f"AzureBatch(pool={self.pool_id}, connection={self.connection})"
