#!/usr/bin/env bash
# Makes sure the PostgreSQL server the integration tests use answers at 127.0.0.1:5432.
# Starts the local cluster if it is installed but stopped. Under CI (CI=true) or with
# HOMEWARD_REQUIRE_POSTGRES=1 an unreachable server is an error; elsewhere the PostgreSQL
# tests are skipped and pytest says so in its summary.
set -uo pipefail
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! ready && command -v pg_ctlcluster >/dev/null 2>&1; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  [ -n "$version" ] && pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null
  for _ in $(seq 1 20); do ready && break; sleep 0.5; done
fi
if ready; then exit 0; fi
if [ "${CI:-}" = "true" ] || [ "${HOMEWARD_REQUIRE_POSTGRES:-}" = "1" ]; then
  echo "error: PostgreSQL is not reachable at 127.0.0.1:5432; CI requires it" >&2
  exit 1
fi
echo "warning: PostgreSQL is not reachable at 127.0.0.1:5432: its tests will be SKIPPED" >&2
