#!/usr/bin/env bash
# Installs the Debian packages that pip needs to build homeward's dependencies from source:
# PyICU (Ukrainian and Russian collation of names) compiles against ICU, found by pkg-config.
set -euo pipefail
need=()
pkg-config --exists icu-i18n 2>/dev/null || need+=(libicu-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v g++ >/dev/null 2>&1 || need+=(g++)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "installing Debian packages needed to build dependencies: ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "error: need root (or sudo) to apt-get install ${need[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
