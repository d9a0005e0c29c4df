"""The tests run against a running stack: TEMPORAL_ADDRESS and AZURE_STORAGE_CONNECTION_STRING name it (npm test sets both)."""

from __future__ import annotations

import os

import pytest

from remote_batch import BatchEnvironment


@pytest.fixture
def env() -> BatchEnvironment:
    for name in ("TEMPORAL_ADDRESS", "AZURE_STORAGE_CONNECTION_STRING"):
        if not os.environ.get(name):
            pytest.fail(f"{name} is not set: run these tests through npm test (test/e2e/pythonClient.test.ts), which starts the stack.")
    return BatchEnvironment.from_env(pool_id="local", connection="local")
