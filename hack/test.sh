#!/usr/bin/env bash
# The project's test command (README, .ci/run).
#
#   hack/test.sh [all|unit|integration|e2e] [MOCHA_ARG...]
#
# Installs/starts what the tests need (node_modules + build, etcd, dockerd and a
# local busybox:latest image), starts a throwaway etcd on a free loopback port and
# runs mocha once over the compiled tests of the chosen tier(s); the exit code is
# mocha's. Exports for the tests:
#   ETCD_ENDPOINTS=http://127.0.0.1:PORT   the throwaway etcd
#   KUBESTORE_DOCKER=1|0                   whether dockerd + busybox:latest work
# Env: KUBESTORE_SKIP_BUILD=1 (reuse dist/), KUBESTORE_KEEP_TMP=1 (keep etcd dir),
# KUBESTORE_ARTIFACTS=DIR (test artifacts such as screenshots; default test-artifacts/).

set -euo pipefail

KUBE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${KUBE_ROOT}"
# shellcheck source=hack/lib/deps.sh
source hack/lib/deps.sh
# shellcheck source=hack/lib/etcd.sh
source hack/lib/etcd.sh

tier="all"
if (($# > 0)) && [[ "$1" != -* ]]; then
  tier="$1"
  shift
fi
case "${tier}" in
  all | unit | integration | e2e) ;;
  *)
    echo "usage: hack/test.sh [all|unit|integration|e2e] [MOCHA_ARG...]" >&2
    exit 2
    ;;
esac

# Compiled test files per tier (unit tests may also sit beside the code).
test_files() {
  local -a files=()
  shopt -s globstar nullglob
  case "$1" in
    unit) files=(dist/test/unit/**/*.test.js dist/pkg/**/*.test.js dist/cmd/**/*.test.js) ;;
    integration) files=(dist/test/integration/**/*.test.js) ;;
    e2e) files=(dist/test/e2e/**/*.test.js) ;;
  esac
  shopt -u globstar nullglob
  ((${#files[@]} == 0)) || printf '%s\n' "${files[@]}"
}

# Drop compiled tests whose .ts source is gone (tsc never deletes outputs).
prune_stale_tests() {
  local f src
  shopt -s globstar nullglob
  for f in dist/**/*.test.js; do
    src="${f#dist/}"
    src="${src%.js}.ts"
    if [[ ! -f "${src}" ]]; then
      rm -f "${f}" "${f}.map"
    fi
  done
  shopt -u globstar nullglob
}

tmp_dir=""
mocha_pid=""
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
  if [[ -n "${mocha_pid}" ]] && kill -0 "${mocha_pid}" 2>/dev/null; then
    kill -TERM "${mocha_pid}" 2>/dev/null || true
    wait "${mocha_pid}" 2>/dev/null || true
  fi
  kube::etcd::stop
  if [[ -n "${tmp_dir}" && "${KUBESTORE_KEEP_TMP:-}" != 1 ]]; then
    rm -rf "${tmp_dir}"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- dependencies -----------------------------------------------------------------
kube::deps::node_modules
prune_stale_tests
# Lint and format check first: a lint error fails the run before any test starts.
kube::log::status "biome ci (lint + format check)"
biome_color=()
[[ -t 1 ]] || biome_color=(--colors=off)
node_modules/.bin/biome ci "${biome_color[@]}" . || {
  kube::log::error "lint failed: run 'npm run format' to fix formatting, then fix what 'npm run lint' reports"
  exit 1
}

if [[ "${tier}" != unit ]]; then
  kube::deps::etcd
  [[ "${tier}" == integration ]] || kube::deps::apt python3-kubernetes || kube::log::error "python3-kubernetes could not be installed: the Python client e2e test will skip"
  kube::deps::apt haproxy || kube::log::error "haproxy could not be installed: the HAProxy tests skip and the HA e2e test runs without a balancer"
  [[ "${tier}" == integration ]] || kube::deps::apt chromium || kube::log::error "chromium could not be installed: the storage page e2e test will skip"
  if kube::deps::docker "${KUBE_ROOT}/.run" && kube::deps::busybox_image busybox:latest; then
    export KUBESTORE_DOCKER=1
  else
    export KUBESTORE_DOCKER=0
    kube::log::error "docker unavailable (KUBESTORE_DOCKER=0): tests that need docker will skip"
  fi
fi

# --- which tests ----------------------------------------------------------------
tiers=("${tier}")
[[ "${tier}" != all ]] || tiers=(unit integration e2e)
files=()
timeout=2000
for t in "${tiers[@]}"; do
  mapfile -t found < <(test_files "${t}")
  if ((${#found[@]} == 0)); then
    kube::log::status "no compiled ${t} tests (dist/test/${t}/**/*.test.js)"
    continue
  fi
  files+=("${found[@]}")
  case "${t}" in
    integration) ((timeout >= 60000)) || timeout=60000 ;;
    e2e) timeout=180000 ;;
  esac
done
if ((${#files[@]} == 0)); then
  kube::log::status "no test files to run for tier '${tier}'; nothing to do"
  exit 0
fi

# --- etcd -----------------------------------------------------------------------
if [[ "${tier}" != unit ]]; then
  tmp_dir="$(mktemp -d "${TMPDIR:-/tmp}/kubestore-test.XXXXXX")"
  kube::etcd::start "${tmp_dir}/etcd" "" "${tmp_dir}/etcd.log"
  export ETCD_ENDPOINTS="${KUBE_ETCD_ENDPOINT}"
fi

# --- mocha -----------------------------------------------------------------------
# In the background + wait (not exec, not foreground) so a TERM/INT reaches our
# traps at once and the EXIT trap stops mocha and etcd.
kube::log::status "mocha: ${#files[@]} file(s), tier ${tier}, timeout ${timeout} ms"
color=()
[[ -t 1 ]] || color=(--no-color) # plain logs when not on a terminal (CI=true forces colour)
rc=0
node_modules/.bin/mocha --timeout "${timeout}" --exit "${color[@]}" "$@" "${files[@]}" &
mocha_pid=$!
wait "${mocha_pid}" || rc=$?
mocha_pid=""
exit "${rc}"
