#!/usr/bin/env bash
# Runs the whole test suite: unit tests (*Test), integration tests (*IT: real Jetty, redis-server,
# coturn's clients, Node clients) and browser tests (headless Chromium). Installs missing test
# dependencies first on Debian (see scripts/ensure-test-deps.sh). Extra arguments go to Maven,
# e.g. ./test.sh -pl stun-turn -am
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
scripts/ensure-test-deps.sh
exec mvn -B -ntp verify "$@"
