"""A job's name and labels (schema/*.input.json `name`, `labels`), checked as the workflow checks them."""

from __future__ import annotations

import re
from typing import Any, Optional

MAX_NAME = 63
MAX_LABEL_KEY = 63
MAX_LABEL_VALUE = 256
MAX_LABELS = 16
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
NAME_RULE = f"1 to {MAX_NAME} letters, digits, '.', '_' or '-', starting with a letter or digit"


def _bad_value(value: str) -> bool:
    return len(value) > MAX_LABEL_VALUE or any(ord(c) < 0x20 or ord(c) == 0x7F or c in "'\"\\" for c in value)


def check_name(name: Any) -> str:
    if not isinstance(name, str) or len(name) > MAX_NAME or not _IDENTIFIER.match(name):
        raise ValueError(f"name must be {NAME_RULE}; got {name!r}.")
    return name


def check_labels(labels: Any) -> dict[str, str]:
    if not isinstance(labels, dict):
        raise ValueError(f"labels must be a dict of key -> string value, such as {{'team': 'vision'}}; got {labels!r}.")
    if len(labels) > MAX_LABELS:
        raise ValueError(f"labels: a job has at most {MAX_LABELS} labels; got {len(labels)}.")
    for key, value in labels.items():
        if not isinstance(key, str) or len(key) > MAX_LABEL_KEY or not _IDENTIFIER.match(key):
            raise ValueError(f"labels: the key {key!r} must be 1 to {MAX_LABEL_KEY} letters, digits, '.', '_' or '-', starting with a letter or digit.")
        if not isinstance(value, str) or _bad_value(value):
            raise ValueError(f"labels.{key}: the value {value!r} must be a string of at most {MAX_LABEL_VALUE} characters, none of them a control character, a quote or a backslash.")
    return dict(labels)


def identity_input(name: Optional[str], labels: Optional[dict[str, str]]) -> dict[str, Any]:
    """The input fields for a name and labels, left out when not given."""
    fields: dict[str, Any] = {}
    if name is not None:
        fields["name"] = check_name(name)
    if labels is not None:
        fields["labels"] = check_labels(labels)
    return fields


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def list_query(env_ref: dict[str, str], name: Optional[str], labels: Optional[dict[str, str]]) -> str:
    """The visibility query `list_jobs` runs: the environment's jobs of a name (`nightly*`: a prefix) with every label."""
    clauses = [f"RemoteBatchEnvironment = {_quote(env_ref['connection'] + '/' + env_ref['poolId'])}"]
    if name is not None:
        if name.endswith("*"):
            prefix = name[:-1]
            if prefix:
                check_name(prefix)
                clauses.append(f"RemoteBatchName STARTS_WITH {_quote(prefix)}")
            else:
                clauses.append("RemoteBatchName IS NOT NULL")
        else:
            clauses.append(f"RemoteBatchName = {_quote(check_name(name))}")
    for key, value in check_labels(labels or {}).items():
        clauses.append(f"RemoteBatchLabels = {_quote(f'{key}={value}')}")
    return " AND ".join(clauses)
