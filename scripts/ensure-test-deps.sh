#!/usr/bin/env bash
# Makes sure what the test suite needs is on this machine. On Debian as root it installs what is
# missing; elsewhere it names what is missing and fails.
#   JDK 17+, Maven        build and unit tests
#   redis-server          presence / multi-node ITs (started by the tests on free ports)
#   coturn                turnutils_* clients for TURN interop ITs (the turnserver daemon is not started)
#   chromium, iproute2    browser e2e tests (headless, in network namespaces)
#   node 20+, npm         unmodified npm clients (y-webrtc, y-websocket, peerjs) and Playwright
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need_pkgs=()
check() { # command package
  command -v "$1" >/dev/null 2>&1 || need_pkgs+=("$2")
}
check java openjdk-17-jdk-headless
check mvn maven
check redis-server redis-server
check turnutils_uclient coturn
check chromium chromium
check ip iproute2
check node nodejs
check npm npm

if ((${#need_pkgs[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "test deps: installing ${need_pkgs[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2
    # Debian may start services for what it installs; the tests start their own instances.
    for svc in redis-server coturn; do
      if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then systemctl stop "$svc" || true; fi
    done
    pkill -x turnserver 2>/dev/null || true
  else
    echo "test deps: missing ${need_pkgs[*]} - install them (Debian: apt-get install ${need_pkgs[*]})" >&2
    exit 1
  fi
fi

java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')
if ((java_major < 17)); then
  echo "test deps: Java 17 or newer is needed (found $java_major)" >&2
  exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if ((node_major < 20)); then
  echo "test deps: Node 20 or newer is needed (found $(node --version))" >&2
  exit 1
fi

# npm packages of the Node/browser tests, pinned by their lock files.
while IFS= read -r lock; do
  dir="$(dirname "$lock")"
  if [[ ! -d "$dir/node_modules" || "$lock" -nt "$dir/node_modules" ]]; then
    echo "test deps: npm ci in ${dir#"$root"/}" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
    touch "$dir/node_modules"
  fi
done < <(find "$root" \( -name node_modules -o -name target -o -name .git \) -prune -o -name package-lock.json -print)
