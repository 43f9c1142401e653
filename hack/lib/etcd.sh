#!/usr/bin/env bash
# Start/stop a throwaway etcd (Debian's /usr/bin/etcd 3.4) on loopback: one member, or a Raft cluster.
#
#   kube::etcd::start DATA_DIR PORT LOG [EXTRA_ETCD_FLAG...]
#   kube::etcd::stop
#
#   kube::etcd::start_cluster DATA_ROOT BASE_PORT N RUN_DIR   (a multi-member cluster, see below)
#
# After start: KUBE_ETCD_PID, KUBE_ETCD_PORT, KUBE_ETCD_ENDPOINT (http://127.0.0.1:PORT)
# are set, and the pid is also written to DATA_DIR/../etcd.pid.
# shellcheck disable=SC2034 # the KUBE_ETCD_* globals are read by callers

set -euo pipefail

[[ -n "${KUBE_LIB_ETCD_SOURCED:-}" ]] && return 0
KUBE_LIB_ETCD_SOURCED=1

# shellcheck source=hack/lib/util.sh
source "$(dirname "${BASH_SOURCE[0]}")/util.sh"

KUBE_ETCD_BIN="${KUBE_ETCD_BIN:-/usr/bin/etcd}"
KUBE_ETCD_PID=""
KUBE_ETCD_PORT=""
KUBE_ETCD_ENDPOINT=""
KUBE_ETCD_PIDFILE=""
KUBE_ETCD_ENDPOINTS=""
KUBE_ETCD_MEMBER_PID=""

# kube::etcd::healthy PORT — true when etcd on PORT reports {"health":"true"}.
kube::etcd::healthy() {
  curl -fsS --max-time 2 "http://127.0.0.1:$1/health" 2>/dev/null | grep -q '"health":"true"'
}

# kube::etcd::start DATA_DIR PORT LOG [EXTRA...] — start etcd with clients on
# 127.0.0.1:PORT and peers on 127.0.0.1:PORT+1; wait (30 s) until /health is true.
# PORT may be empty: a free pair of ports is picked. Fails if etcd is already
# running in this shell or the ports are taken.
kube::etcd::start() {
  local data_dir="$1" port="${2:-}" log="$3"
  shift 3
  if [[ -n "${KUBE_ETCD_PID}" ]] && kill -0 "${KUBE_ETCD_PID}" 2>/dev/null; then
    kube::log::error "etcd already running (pid ${KUBE_ETCD_PID}, ${KUBE_ETCD_ENDPOINT})"
    return 1
  fi
  [[ -x "${KUBE_ETCD_BIN}" ]] || {
    kube::log::error "${KUBE_ETCD_BIN} not found (run kube::deps::etcd)"
    return 1
  }
  if [[ -z "${port}" ]]; then
    port="$(kube::util::free_port 2)" || return 1
  fi
  local peer=$((port + 1)) p
  for p in "${port}" "${peer}"; do
    if kube::util::port_in_use "${p}"; then
      kube::log::error "cannot start etcd: 127.0.0.1:${p} is already in use"
      return 1
    fi
  done
  local client_url="http://127.0.0.1:${port}" peer_url="http://127.0.0.1:${peer}"

  # etcd 3.4 refuses to run on arches other than amd64/ppc64le/arm64 without this.
  if [[ -z "${ETCD_UNSUPPORTED_ARCH:-}" ]]; then
    case "$(uname -m)" in
      x86_64 | ppc64le | aarch64) ;;
      armv7l | armv6l) export ETCD_UNSUPPORTED_ARCH=arm ;;
      i?86) export ETCD_UNSUPPORTED_ARCH=386 ;;
      *) ETCD_UNSUPPORTED_ARCH="$(uname -m)" && export ETCD_UNSUPPORTED_ARCH ;;
    esac
  fi

  mkdir -p "${data_dir}" "$(dirname "${log}")" || return 1
  chmod 700 "${data_dir}"
  kube::log::status "starting etcd on ${client_url} (data ${data_dir}, log ${log})"
  "${KUBE_ETCD_BIN}" \
    --name kubestore \
    --data-dir "${data_dir}" \
    --listen-client-urls "${client_url}" \
    --advertise-client-urls "${client_url}" \
    --listen-peer-urls "${peer_url}" \
    --initial-advertise-peer-urls "${peer_url}" \
    --initial-cluster "kubestore=${peer_url}" \
    --initial-cluster-state new \
    --initial-cluster-token kubestore \
    --logger zap --log-outputs stderr \
    "$@" </dev/null >>"${log}" 2>&1 &
  KUBE_ETCD_PID=$!
  KUBE_ETCD_PORT="${port}"
  KUBE_ETCD_ENDPOINT="${client_url}"
  KUBE_ETCD_PIDFILE="$(dirname "${data_dir}")/etcd.pid"
  echo "${KUBE_ETCD_PID}" >"${KUBE_ETCD_PIDFILE}"

  local deadline=$((SECONDS + 30))
  # Healthy only counts while our process lives (not some other etcd on PORT).
  until kube::etcd::healthy "${port}" && kill -0 "${KUBE_ETCD_PID}" 2>/dev/null; do
    if ! kill -0 "${KUBE_ETCD_PID}" 2>/dev/null; then
      kube::log::error "etcd exited during startup; last lines of ${log}: $(tail -n 3 "${log}" | tr '\n' ' ')"
      kube::etcd::stop
      return 1
    fi
    if ((SECONDS >= deadline)); then
      kube::log::error "etcd on ${client_url} not healthy after 30 s; see ${log}"
      kube::etcd::stop
      return 1
    fi
    sleep 0.2
  done
  kube::log::status "etcd healthy at ${client_url} (pid ${KUBE_ETCD_PID})"
}

# kube::etcd::stop — stop the etcd started by kube::etcd::start in this shell
# (SIGTERM, then SIGKILL after 10 s). A no-op when none is running.
kube::etcd::stop() {
  local pid="${KUBE_ETCD_PID}"
  if [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null; then
    kill -TERM "${pid}" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while kill -0 "${pid}" 2>/dev/null && ((SECONDS < deadline)); do
      sleep 0.1
    done
    kill -KILL "${pid}" 2>/dev/null || true
    wait "${pid}" 2>/dev/null || true
  fi
  [[ -z "${KUBE_ETCD_PIDFILE}" ]] || rm -f "${KUBE_ETCD_PIDFILE}"
  KUBE_ETCD_PID=""
  KUBE_ETCD_PORT=""
  KUBE_ETCD_ENDPOINT=""
  KUBE_ETCD_PIDFILE=""
}

# kube::etcd::start_member NAME DATA_DIR CLIENT_PORT PEER_PORT INITIAL_CLUSTER LOG — start one
# member of a multi-member cluster in the background (clients on 127.0.0.1:CLIENT_PORT, peers on
# 127.0.0.1:PEER_PORT; INITIAL_CLUSTER like "m0=http://127.0.0.1:2380,m1=..."). Does not wait:
# a member is healthy only once a quorum runs, so start them all, then wait with
# kube::etcd::healthy. Sets KUBE_ETCD_MEMBER_PID. A member with existing data rejoins (the
# initial-cluster flags are then ignored by etcd).
kube::etcd::start_member() {
  local name="$1" data_dir="$2" port="$3" peer="$4" initial="$5" log="$6" p
  [[ -x "${KUBE_ETCD_BIN}" ]] || {
    kube::log::error "${KUBE_ETCD_BIN} not found (run kube::deps::etcd)"
    return 1
  }
  for p in "${port}" "${peer}"; do
    if kube::util::port_in_use "${p}"; then
      kube::log::error "cannot start etcd member ${name}: 127.0.0.1:${p} is already in use"
      return 1
    fi
  done
  mkdir -p "${data_dir}" "$(dirname "${log}")" || return 1
  chmod 700 "${data_dir}"
  local client_url="http://127.0.0.1:${port}" peer_url="http://127.0.0.1:${peer}"
  kube::log::status "starting etcd member ${name} on ${client_url} (data ${data_dir}, log ${log})"
  setsid "${KUBE_ETCD_BIN}" \
    --name "${name}" \
    --data-dir "${data_dir}" \
    --listen-client-urls "${client_url}" \
    --advertise-client-urls "${client_url}" \
    --listen-peer-urls "${peer_url}" \
    --initial-advertise-peer-urls "${peer_url}" \
    --initial-cluster "${initial}" \
    --initial-cluster-state new \
    --initial-cluster-token kubestore-cluster \
    --logger zap --log-outputs stderr \
    </dev/null >>"${log}" 2>&1 &
  KUBE_ETCD_MEMBER_PID=$!
}

# kube::etcd::start_cluster DATA_ROOT BASE_PORT N RUN_DIR — start an N-member cluster: member
# m<i> with clients on BASE_PORT+2i, peers on BASE_PORT+2i+1, data in DATA_ROOT/m<i>, log and
# pid in RUN_DIR/etcd-m<i>.{log,pid}; wait (60 s) until every member is healthy. Sets
# KUBE_ETCD_ENDPOINTS (comma-separated client URLs). On failure the caller stops what started.
kube::etcd::start_cluster() {
  local root="$1" base="$2" n="$3" run_dir="$4" i initial="" endpoints=""
  for ((i = 0; i < n; i++)); do
    initial+="${initial:+,}m${i}=http://127.0.0.1:$((base + 2 * i + 1))"
    endpoints+="${endpoints:+,}http://127.0.0.1:$((base + 2 * i))"
  done
  for ((i = 0; i < n; i++)); do
    kube::etcd::start_member "m${i}" "${root}/m${i}" $((base + 2 * i)) $((base + 2 * i + 1)) "${initial}" \
      "${run_dir}/etcd-m${i}.log" || return 1
    echo "${KUBE_ETCD_MEMBER_PID}" >"${run_dir}/etcd-m${i}.pid"
  done
  for ((i = 0; i < n; i++)); do
    kube::util::wait_for 60 kube::etcd::healthy $((base + 2 * i)) || {
      kube::log::error "etcd member m${i} not healthy after 60 s; last lines of ${run_dir}/etcd-m${i}.log:"
      tail -n 15 "${run_dir}/etcd-m${i}.log" >&2 || true
      return 1
    }
  done
  KUBE_ETCD_ENDPOINTS="${endpoints}"
  kube::log::status "etcd cluster of ${n} members healthy: ${endpoints}"
}
