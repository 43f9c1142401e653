#!/usr/bin/env bash
# The long fault-injection run (the short one is part of hack/test.sh's e2e tier).
#
#   hack/chaos.sh [CYCLES] [SEED]        (default: 50 cycles, a time-based seed)
#
# Builds (npm ci first when node_modules is stale), makes sure etcd, dockerd and a local
# busybox:latest image exist, then runs test/chaos: a private etcd, kube-apiserver,
# kube-controller-manager and a kubelet from dist/, and CYCLES cycles of claims (static with
# selectors, dynamic, named volumeName, mismatches) and pods writing data, each with one
# fault at a random point (kill -9 of etcd / apiserver / controller-manager / kubelet and a
# restart, or an etcd compaction). Prints each cycle, then faults by type, convergence time
# per fault type and every invariant violation. Exit 1 when an invariant was violated; the
# component logs are kept then (the path is printed). Replay a run with its printed SEED.

set -euo pipefail

KUBE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${KUBE_ROOT}"
# shellcheck source=hack/lib/deps.sh
source hack/lib/deps.sh

case "${1:-}" in
  -h | --help)
    sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
esac

kube::deps::node_modules
kube::deps::etcd
if ! kube::deps::docker "${KUBE_ROOT}/.run" || ! kube::deps::busybox_image busybox:latest; then
  kube::log::error "the chaos run needs dockerd and busybox:latest"
  exit 1
fi
# The run starts its own etcd; ETCD_ENDPOINTS only satisfies the test helpers' check.
ETCD_ENDPOINTS="${ETCD_ENDPOINTS:-http://127.0.0.1:1}" KUBESTORE_DOCKER=1 exec node dist/test/chaos/main.js "$@"
