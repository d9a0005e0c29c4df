#!/bin/sh
# One-shot, in temporalio/admin-tools once the server answers: creates the
# namespace and registers remote-batch's search attributes that are missing.
# REMOTE_BATCH_SEARCH_ATTRIBUTES: space-separated Name=Type pairs.
set -eu
: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}" "${REMOTE_BATCH_SEARCH_ATTRIBUTES:?}"

until temporal operator cluster health >/dev/null 2>&1; do
  echo "waiting for Temporal at $TEMPORAL_ADDRESS"
  sleep 1
done

if ! temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "${TEMPORAL_NAMESPACE_RETENTION:-72h}"
fi

# A new namespace reaches the server's namespace cache some seconds after it is created.
tries=0
until existing="$(temporal operator search-attribute list --namespace "$TEMPORAL_NAMESPACE" 2>&1)"; do
  tries=$((tries + 1))
  if [ "$tries" -ge 120 ]; then
    echo "namespace $TEMPORAL_NAMESPACE did not become usable: $existing" >&2
    exit 1
  fi
  sleep 1
done
for pair in $REMOTE_BATCH_SEARCH_ATTRIBUTES; do
  name="${pair%%=*}"
  type="${pair#*=}"
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" --name "$name" --type "$type"
  fi
done
echo "namespace $TEMPORAL_NAMESPACE is ready"
