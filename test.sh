#!/usr/bin/env bash
# The README's test command: installs what the tests need and is missing (as root, with apt), then
# builds every module and runs all tests. A fresh Debian or Ubuntu machine needs nothing else.
set -euo pipefail
cd "$(dirname "$0")"

packages=()
if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  packages+=(openjdk-17-jdk-headless maven)
fi
# Prometheus and promtool for the observability tests (it-tests: Prometheus*IT); they fail without them.
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then
  packages+=(prometheus)
fi
# redis-server for the tests of the Redis store (store=redis), which run against a real one.
if ! command -v redis-server >/dev/null 2>&1; then
  packages+=(redis-server)
fi
if [ ${#packages[@]} -gt 0 ]; then
  echo "test.sh: installing ${packages[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${packages[@]}"
fi

mvn -B verify
