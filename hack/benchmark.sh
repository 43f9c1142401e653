#!/usr/bin/env bash
# Runs the benchmarks in test/bench/ and prints one combined table.
#
#   hack/benchmark.sh [apiserver|watch|informer|binding|kubelet|events|statefulset|snapshot|ha ...]   (default: all, in that order;
#                                             ha starts its own 1- and 3-member etcd clusters)
#
# Builds (npm run build; npm ci first when node_modules is stale), starts a FRESH throwaway etcd
# on a free loopback port, makes sure dockerd and a local busybox:latest image exist when the
# kubelet benchmark runs, then runs each benchmark as `node dist/test/bench/<name>.js`. Each one
# prints its own tables; at the end one markdown table lists every figure with its baseline
# (measured in the same run), the ratio and the target:
#
#   | benchmark | figure | value | baseline | ratio | target |
#
# Benchmarks never fail on a number: the exit code is non-zero only when a benchmark could not
# run to the end. Everything talks to 127.0.0.1 only.
#
# Env: KUBESTORE_SKIP_BUILD=1 (reuse dist/), KUBESTORE_KEEP_TMP=1 (keep etcd data, logs and the
# benchmarks' temp dirs), BENCH_TIMEOUT (seconds per benchmark, default 900), plus each
# benchmark's own BENCH_* sizes (see the header of test/bench/<name>.ts).

set -euo pipefail

KUBE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${KUBE_ROOT}"
# shellcheck source=hack/lib/deps.sh
source hack/lib/deps.sh
# shellcheck source=hack/lib/etcd.sh
source hack/lib/etcd.sh

all=(apiserver watch informer binding kubelet events statefulset snapshot ha)
selected=()
for arg in "$@"; do
  case "${arg}" in
    apiserver | watch | informer | binding | kubelet | events | statefulset | snapshot | ha) selected+=("${arg}") ;;
    all) selected+=("${all[@]}") ;;
    -h | --help)
      sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "usage: hack/benchmark.sh [apiserver|watch|informer|binding|kubelet|events|statefulset|snapshot|ha ...]" >&2
      exit 2
      ;;
  esac
done
((${#selected[@]} > 0)) || selected=("${all[@]}")

tmp_dir=""
bench_pid=""
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
  if [[ -n "${bench_pid}" ]] && kill -0 "${bench_pid}" 2>/dev/null; then
    kill -TERM "${bench_pid}" 2>/dev/null || true
    wait "${bench_pid}" 2>/dev/null || true
  fi
  kube::etcd::stop
  if command -v docker >/dev/null 2>&1 && kube::deps::docker_ready; then
    local label ids
    for label in io.kubestore.node=bench-node io.kubestore.bench=bench-node io.kubestore.node=bench-sts; do
      ids="$(docker ps -aq --filter "label=${label}" 2>/dev/null || true)"
      [[ -z "${ids}" ]] || echo "${ids}" | xargs -r docker rm -f >/dev/null 2>&1 || true
    done
  fi
  if [[ -n "${tmp_dir}" && "${KUBESTORE_KEEP_TMP:-}" != 1 ]]; then
    rm -rf "${tmp_dir}"
  elif [[ -n "${tmp_dir}" ]]; then
    kube::log::status "kept ${tmp_dir}"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=${SECONDS}

# --- dependencies -----------------------------------------------------------------
kube::deps::node_modules
kube::deps::etcd
for b in "${selected[@]}"; do
  if [[ "${b}" == kubelet || "${b}" == statefulset ]]; then
    if ! { kube::deps::docker "${KUBE_ROOT}/.run" && kube::deps::busybox_image busybox:latest; }; then
      kube::log::error "docker unavailable: the kubelet benchmark will report itself skipped"
    fi
  fi
done

# --- a fresh etcd -----------------------------------------------------------------
tmp_dir="$(mktemp -d "${TMPDIR:-/tmp}/kubestore-bench.XXXXXX")"
kube::etcd::start "${tmp_dir}/etcd" "" "${tmp_dir}/etcd.log"
export ETCD_ENDPOINTS="${KUBE_ETCD_ENDPOINT}"
export BENCH_RESULTS="${tmp_dir}/results.jsonl"
export BENCH_TMP="${tmp_dir}/work"
: >"${BENCH_RESULTS}"

# --- the benchmarks -----------------------------------------------------------------
failed=()
for b in "${selected[@]}"; do
  script="dist/test/bench/${b}.js"
  if [[ ! -f "${script}" ]]; then
    kube::log::error "${script} is missing (did the build fail?)"
    failed+=("${b}")
    continue
  fi
  kube::log::status "benchmark ${b} (etcd ${ETCD_ENDPOINTS})"
  t0=${SECONDS}
  rc=0
  # In the background + wait so INT/TERM reach our traps at once.
  timeout --kill-after=10 "${BENCH_TIMEOUT:-900}" node "${script}" &
  bench_pid=$!
  wait "${bench_pid}" || rc=$?
  bench_pid=""
  if ((rc != 0)); then
    kube::log::error "benchmark ${b} failed (exit ${rc})"
    failed+=("${b}")
  fi
  kube::log::status "benchmark ${b} took $((SECONDS - t0)) s"
done

node dist/test/bench/report.js "${BENCH_RESULTS}" "${failed[@]}"
kube::log::status "total $((SECONDS - started)) s"
((${#failed[@]} == 0))
