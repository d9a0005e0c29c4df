"""Completion notifications (schema/*.input.json `notify`): checked as the workflow checks them."""

from __future__ import annotations

import re
from typing import Any, Optional
from urllib.parse import urlparse

SECRET_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
MAX_URL = 2048


def notify_input(notify: Optional[dict[str, Any]]) -> dict[str, Any]:
    """The input's `notify` field from {'url', 'secret'?, 'on'?}; empty when there is none."""
    if notify is None:
        return {}
    if not isinstance(notify, dict) or set(notify) - {"url", "secret", "on"}:
        raise ValueError(f"notify must be {{'url', 'secret'?, 'on'?}}; got {notify!r}.")
    url = notify.get("url")
    if not isinstance(url, str) or len(url) > MAX_URL or urlparse(url).scheme not in ("http", "https") or not urlparse(url).netloc:
        raise ValueError(f"notify.url must be an http or https URL of at most {MAX_URL} characters; got {url!r}.")
    secret = notify.get("secret")
    if secret is not None and (not isinstance(secret, str) or not SECRET_NAME.match(secret)):
        raise ValueError(
            "notify.secret must name a secret the workers know (letters, digits and '_', starting with a letter, at most 64; "
            f"each worker reads it from REMOTE_BATCH_NOTIFY_SECRET_<NAME>); got {secret!r}."
        )
    on = notify.get("on", "end")
    if on not in ("end", "changes"):
        raise ValueError(f"notify.on must be 'end' or 'changes'; got {on!r}.")
    return {"notify": {"url": url, **({"secret": secret} if secret is not None else {}), "on": on}}
