#!/usr/bin/env bash
# Shared helpers for hack/ scripts: logging, deadlines, free ports.
# Source it; it defines functions only (plus KUBE_ROOT).

set -euo pipefail

[[ -n "${KUBE_LIB_UTIL_SOURCED:-}" ]] && return 0
KUBE_LIB_UTIL_SOURCED=1

# Repository root (hack/lib/../..), unless the caller already set it.
KUBE_ROOT="${KUBE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

# kube::log::status MSG... — progress line on stderr.
kube::log::status() {
  echo "+++ [$(date +%H:%M:%S)] $*" >&2
}

# kube::log::error MSG... — error line on stderr.
kube::log::error() {
  echo "!!! [$(date +%H:%M:%S)] $*" >&2
}

# kube::util::sudo CMD... — run CMD as root: directly when root, else via sudo.
kube::util::sudo() {
  if [[ "${EUID}" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    kube::log::error "need root (or sudo) to run: $*"
    return 1
  fi
}

# kube::util::wait_for SECONDS CMD... — poll CMD every 0.2 s until it succeeds;
# returns 1 when SECONDS pass first.
kube::util::wait_for() {
  local seconds="$1"
  shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# kube::util::port_in_use PORT — true when something accepts connections on
# 127.0.0.1:PORT.
kube::util::port_in_use() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# kube::util::free_port [COUNT] — print a port P on 127.0.0.1 such that
# P..P+COUNT-1 are all free right now (COUNT defaults to 1).
kube::util::free_port() {
  local count="${1:-1}"
  if command -v node >/dev/null 2>&1; then
    node - "${count}" <<'EOF'
const net = require('net');
const count = Number(process.argv[2]) || 1;
const bind = (port) => new Promise((resolve) => {
  const s = net.createServer();
  s.once('error', () => resolve(null));
  s.listen(port, '127.0.0.1', () => resolve(s));
});
(async () => {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await bind(0);
    if (!first) continue;
    const port = first.address().port;
    const held = [first];
    for (let i = 1; i < count; i++) held.push(await bind(port + i));
    const ok = held.every(Boolean);
    await Promise.all(held.filter(Boolean).map((s) => new Promise((r) => s.close(r))));
    if (ok) { console.log(port); return; }
  }
  console.error('no free port range found');
  process.exit(1);
})();
EOF
  elif command -v python3 >/dev/null 2>&1; then
    python3 - "${count}" <<'EOF'
import socket, sys
count = int(sys.argv[1])
for _ in range(50):
    held = []
    try:
        s = socket.socket(); s.bind(("127.0.0.1", 0)); held.append(s)
        port = s.getsockname()[1]
        for i in range(1, count):
            t = socket.socket(); held.append(t); t.bind(("127.0.0.1", port + i))
        print(port); sys.exit(0)
    except OSError:
        pass
    finally:
        for h in held: h.close()
sys.exit("no free port range found")
EOF
  else
    kube::log::error "kube::util::free_port needs node or python3"
    return 1
  fi
}
