#!/usr/bin/env bash
# Brings up a whole local cluster on this machine: etcd, kube-apiserver,
# kube-controller-manager and NUM_NODES kubelets (all on the local dockerd), then waits.
#
#   hack/local-up-cluster.sh            start (foreground; Ctrl-C stops everything it started)
#   hack/local-up-cluster.sh --detach   start and return (stop later with --down)
#   hack/local-up-cluster.sh --down     stop a cluster started from this checkout, and remove
#                                       the pod containers its kubelets created (volume data stays)
#   hack/local-up-cluster.sh --clean    start from empty data (etcd + volumes wiped first)
#
# On a fresh machine it installs what is missing: npm ci + build, etcd-server, docker.io,
# a local busybox:latest image. Data (etcd, hostPath volumes, NFS export) lives under
# KUBESTORE_DATA_DIR and survives a down/up cycle unless --clean is given.
#
# Environment (defaults):
#   KUBESTORE_DATA_DIR=/var/lib/kubestore   etcd data, volumes/, nfs-export/, kubelet/,
#                                           controller-manager/provisioning-records/
#   HOSTPATH_BASE_DIR=<data>/volumes        hostPath volumes of classes without parameters.path
#   HOSTPATH_ALLOWED_ROOTS=                 comma-separated roots hostPath classes may name in
#                                           parameters.path (given to apiserver and controller-manager)
#   KUBESTORE_RUN_DIR=<repo>/.run           logs, pids, kubeconfigs, audit.log, pki/ (the CA and
#                                           every certificate; kept across restarts)
#   ETCD_PORT=2379 (peer: +1)  API_SECURE_PORT=6443  CM_PORT=10257  KUBELET_PORT=10250
#   NUM_NODES=1                             kubelets to start, each its own node on the same
#                                           dockerd; node i gets port KUBELET_PORT+i-1
#   NODE_NAME=<hostname>                    the node's name with NUM_NODES=1 (root dir <data>/kubelet);
#                                           with NUM_NODES>1 the prefix of node names
#                                           NODE_NAME-1..N (default node-1..node-N; root dirs
#                                           <data>/nodes/<name>). Every node's local volumes
#                                           live under <root dir>/local-volumes.
#   SNAPSHOT_CRDS_DIR=<repo>/../shared/upstream/external-snapshotter
#                                           the snapshot.storage.k8s.io CRDs applied (unmodified)
#   ETCD_MEMBERS=1                          etcd members (3 or 5 for HA); member i has clients
#                                           on ETCD_PORT+2i, peers on ETCD_PORT+2i+1, data in
#                                           <data>/etcd-members/m<i>; every apiserver gets them all
#   API_SERVERS=1                           kube-apiservers; with more than one they listen on
#                                           API_BACKEND_PORT+i (default: the API port + 1 + i) behind
#                                           HAProxy on LB_ADDRESS:<API port> (TCP, /readyz checks),
#                                           and every kubeconfig points at the balancer
#   LB_ADDRESS=127.0.0.1                    the balancer's address (in the apiserver certificate's SANs)
#   NFS_SERVER=localhost  IS_NFS_SERVER=true (this host serves the export)
#   LOGGING_FORMAT=json                     every component's --logging-format: json (pino lines,
#                                           for jq or pino-pretty) or text (klog-like lines)
#   AUTHORIZATION_MODE=Node,RBAC            the apiserver's --authorization-mode
#   KUBESTORE_PLAIN_HTTP=false              true: TEST MODE, no TLS and no authentication or
#                                           authorization at all: the apiserver serves only its
#                                           plain-HTTP --port on 127.0.0.1:API_PORT (8080)
#
# By default everything authenticates: a CA and certificates under RUN_DIR/pki (openssl, see
# hack/lib/pki.sh), one identity and kubeconfig per component, the apiserver on TLS with
# --client-ca-file and --authorization-mode, and RUN_DIR/kubeconfig for the admin
# (CN=kubestore-admin, O=system:masters).

set -euo pipefail

KUBE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${KUBE_ROOT}"
# shellcheck source=hack/lib/deps.sh
source hack/lib/deps.sh
# shellcheck source=hack/lib/etcd.sh
source hack/lib/etcd.sh
# shellcheck source=hack/lib/kubeconfig.sh
source hack/lib/kubeconfig.sh
# shellcheck source=hack/lib/pki.sh
source hack/lib/pki.sh
# shellcheck source=hack/lib/haproxy.sh
source hack/lib/haproxy.sh

DATA_DIR="${KUBESTORE_DATA_DIR:-/var/lib/kubestore}"
RUN_DIR="${KUBESTORE_RUN_DIR:-${KUBE_ROOT}/.run}"
ETCD_PORT="${ETCD_PORT:-2379}"
API_PORT="${API_PORT:-8080}"
API_SECURE_PORT="${API_SECURE_PORT:-6443}"
AUTHORIZATION_MODE="${AUTHORIZATION_MODE:-Node,RBAC}"
PLAIN_HTTP="${KUBESTORE_PLAIN_HTTP:-false}"
LOGGING_FORMAT="${LOGGING_FORMAT:-json}"
CM_PORT="${CM_PORT:-10257}"
KUBELET_PORT="${KUBELET_PORT:-10250}"
NUM_NODES="${NUM_NODES:-1}"
ETCD_MEMBERS="${ETCD_MEMBERS:-1}"
API_SERVERS="${API_SERVERS:-1}"
LB_ADDRESS="${LB_ADDRESS:-127.0.0.1}"
for var in ETCD_MEMBERS API_SERVERS; do
  if ! [[ "${!var}" =~ ^[1-9][0-9]*$ ]]; then
    echo "local-up-cluster.sh: ${var} must be a positive integer, not \"${!var}\"" >&2
    exit 2
  fi
done
if ! [[ "${LB_ADDRESS}" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "local-up-cluster.sh: LB_ADDRESS must be an IPv4 address, not \"${LB_ADDRESS}\"" >&2
  exit 2
fi
# etcd and apiserver process names (log and pid files), by index.
ETCDS=(etcd)
((ETCD_MEMBERS == 1)) || mapfile -t ETCDS < <(for i in $(seq 0 $((ETCD_MEMBERS - 1))); do echo "etcd-m${i}"; done)
APISERVERS=(kube-apiserver)
((API_SERVERS == 1)) || mapfile -t APISERVERS < <(for i in $(seq 1 "${API_SERVERS}"); do echo "kube-apiserver-${i}"; done)
if ! [[ "${NUM_NODES}" =~ ^[1-9][0-9]*$ ]]; then
  echo "local-up-cluster.sh: NUM_NODES must be a positive integer, not \"${NUM_NODES}\"" >&2
  exit 2
fi
# Node names, kubelet component names (log and pid files) and root directories, by node index.
NODE_NAMES=()
KUBELETS=()
NODE_ROOTS=()
if ((NUM_NODES == 1)); then
  NODE_NAMES=("${NODE_NAME:-$(hostname | tr '[:upper:]' '[:lower:]')}")
  KUBELETS=(kubelet)
  NODE_ROOTS=("${DATA_DIR}/kubelet")
else
  for i in $(seq 1 "${NUM_NODES}"); do
    NODE_NAMES+=("${NODE_NAME:-node}-${i}")
    KUBELETS+=("kubelet-${NODE_NAME:-node}-${i}")
    NODE_ROOTS+=("${DATA_DIR}/nodes/${NODE_NAME:-node}-${i}")
  done
fi
export NFS_SERVER="${NFS_SERVER:-localhost}"
export IS_NFS_SERVER="${IS_NFS_SERVER:-true}"
export NFS_EXPORT_ROOT="${NFS_EXPORT_ROOT:-${DATA_DIR}/nfs-export}"
HOSTPATH_BASE_DIR="${HOSTPATH_BASE_DIR:-${DATA_DIR}/volumes}"
HOSTPATH_ALLOWED_ROOTS="${HOSTPATH_ALLOWED_ROOTS:-}"
# The controller-manager's own records of what it provisioned: outside every volume root.
PROVISIONING_RECORD_DIR="${DATA_DIR}/controller-manager/provisioning-records"
KUBECONFIG_FILE="${RUN_DIR}/kubeconfig"
PKI_DIR="${RUN_DIR}/pki"
AUDIT_LOG="${RUN_DIR}/audit.log"
COMPONENTS=("${APISERVERS[@]}" kube-controller-manager "${KUBELETS[@]}")
((API_SERVERS == 1)) || COMPONENTS=(haproxy "${COMPONENTS[@]}")

mode=up
clean=false
for arg in "$@"; do
  case "${arg}" in
    --down) mode=down ;;
    --detach) mode=detach ;;
    --clean) clean=true ;;
    -h | --help)
      sed -n '2,/^$/p' "$0" | sed '/^$/d; s/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "local-up-cluster.sh: unknown argument ${arg} (see --help)" >&2
      exit 2
      ;;
  esac
done

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The process names with a pid file in RUN_DIR matching glob $1 (whatever the counts are now).
pid_names() {
  local pidfile
  for pidfile in "${RUN_DIR}"/$1.pid; do
    [[ -e "${pidfile}" ]] && basename "${pidfile}" .pid
  done
  return 0
}

# The nodes this checkout's cluster started kubelets for (RUN_DIR/nodes, written at start), so
# --down finds them whatever NUM_NODES says now.
NODES_FILE="${RUN_DIR}/nodes"

# Removes the pod containers the kubelets of this cluster's nodes created: only containers that
# carry both the kubelet's pod label (io.kubernetes.pod.uid) and the label naming one of those
# nodes (io.kubestore.node=<node>); no other container is touched. Pods outlive their kubelet
# (as on Kubernetes), so without this they would keep running after the control plane stopped.
remove_pod_containers() {
  [[ -f "${NODES_FILE}" ]] || return 0
  command -v docker >/dev/null 2>&1 || return 0
  local node ids
  while IFS= read -r node; do
    [[ -n "${node}" ]] || continue
    ids="$(docker ps -aq --filter label=io.kubernetes.pod.uid --filter "label=io.kubestore.node=${node}" 2>/dev/null || true)"
    [[ -n "${ids}" ]] || continue
    kube::log::status "removing $(wc -w <<<"${ids}") pod container(s) of node ${node}"
    # shellcheck disable=SC2086 # one id per word
    docker rm -f ${ids} >/dev/null || kube::log::error "could not remove every pod container of node ${node}"
  done <"${NODES_FILE}"
  rm -f "${NODES_FILE}"
}

# Stops every process this checkout's cluster started (pid files in RUN_DIR), newest first:
# every kubelet, the controller-manager, the balancer, every apiserver and every etcd member,
# whatever NUM_NODES, API_SERVERS and ETCD_MEMBERS are now.
stop_all() {
  local name pidfile pid
  local -a names=()
  mapfile -t names < <(pid_names 'kubelet*'; echo kube-controller-manager; echo haproxy; pid_names 'kube-apiserver*'; pid_names 'etcd*')
  for name in "${names[@]}"; do
    pidfile="${RUN_DIR}/${name}.pid"
    if pid_alive "${pidfile}"; then
      pid="$(cat "${pidfile}")"
      kube::log::status "stopping ${name} (pid ${pid})"
      kill -TERM "${pid}" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "${pid}" 2>/dev/null || true
    fi
    rm -f "${pidfile}"
  done
  # After the kubelets are gone (none restarts a container behind our back).
  remove_pod_containers
}

any_running() {
  local name
  for name in $(pid_names 'kube-apiserver*') $(pid_names 'etcd*'); do
    pid_alive "${RUN_DIR}/${name}.pid" && return 0
  done
  return 1
}

if [[ "${mode}" == down ]]; then
  any_running || echo "no local cluster is running from ${KUBE_ROOT}"
  stop_all
  exit 0
fi

if any_running; then
  echo "a local cluster is already running (run dir ${RUN_DIR}); use it with:"
  echo "  export KUBECONFIG=${KUBECONFIG_FILE}"
  echo "or stop it first: hack/local-up-cluster.sh --down"
  exit 1
fi

# --- dependencies -----------------------------------------------------------------------
mkdir -p "${RUN_DIR}"
kube::deps::apt curl ca-certificates openssl
kube::deps::node_modules
kube::deps::etcd
if ((API_SERVERS > 1)) && ! kube::deps::apt haproxy; then
  kube::log::error "API_SERVERS=${API_SERVERS} needs HAProxy (Debian's haproxy), which could not be installed"
  exit 1
fi
if ! kube::deps::docker "${RUN_DIR}" || ! kube::deps::busybox_image; then
  kube::log::error "Docker is not usable here; pods cannot run (see ${RUN_DIR}/dockerd.log)"
  exit 1
fi
command -v kubectl >/dev/null 2>&1 || kube::log::status "kubectl is not installed: install kubectl 1.32 to use the cluster"

if [[ "${clean}" == true ]]; then
  kube::log::status "--clean: removing ${DATA_DIR}"
  rm -rf "${DATA_DIR}"
fi
mkdir -p "${HOSTPATH_BASE_DIR}" "${NFS_EXPORT_ROOT}"
for root in "${NODE_ROOTS[@]}"; do mkdir -p "${root}/local-volumes"; done
mkdir -p -m 0700 "${PROVISIONING_RECORD_DIR}"

# --- start ---------------------------------------------------------------------------
fail() {
  local name="$1"
  kube::log::error "${name} did not become healthy; last lines of ${RUN_DIR}/${name}.log:"
  tail -n 25 "${RUN_DIR}/${name}.log" >&2 || true
  stop_all
  exit 1
}

# start_process NAME BINARY ARGS...: runs dist/cmd/BINARY with RUN_DIR/NAME.log and NAME.pid.
start_process() {
  local name="$1" binary="$2"
  shift 2
  # setsid: components outlive this script in --detach mode and get no terminal signals.
  setsid node "dist/cmd/${binary}/main.js" --logging-format="${LOGGING_FORMAT}" "$@" >>"${RUN_DIR}/${name}.log" 2>&1 </dev/null &
  echo $! >"${RUN_DIR}/${name}.pid"
}
start_component() { start_process "$1" "$@"; }

# curl as the admin (over TLS, trusting only the cluster CA), or plainly in the test mode.
admin_curl() {
  if [[ "${PLAIN_HTTP}" == true ]]; then
    curl -fsS --max-time 2 "$@"
  else
    curl -fsS --max-time 2 --cacert "${PKI_DIR}/ca.crt" --cert "${PKI_DIR}/admin.crt" --key "${PKI_DIR}/admin.key" "$@"
  fi
}
healthy() { admin_curl "$1" >/dev/null 2>&1; }

# --- certificates and kubeconfigs -------------------------------------------------------
# One identity per component, as kubeadm names them; RBAC's bootstrap bindings and the Node
# authorizer give each what it needs and nothing more.
if [[ "${PLAIN_HTTP}" == true ]]; then
  kube::log::status "KUBESTORE_PLAIN_HTTP=true: TEST MODE, no TLS, no authentication, no authorization"
  API_URL="http://${LB_ADDRESS}:${API_PORT}"
  API_FRONT_PORT="${API_PORT}"
  APISERVER_SERVING=(--secure-port=0)
  APISERVER_PORT_FLAG=--port
  kube::kubeconfig::write "${KUBECONFIG_FILE}" "${API_URL}" kubestore-admin
  CM_KUBECONFIG="${KUBECONFIG_FILE}"
  KUBELET_SCHEME=http
else
  kube::log::status "certificates in ${PKI_DIR} (CA ${PKI_DIR}/ca.crt)"
  API_URL="https://${LB_ADDRESS}:${API_SECURE_PORT}"
  API_FRONT_PORT="${API_SECURE_PORT}"
  APISERVER_PORT_FLAG=--secure-port
  # Clients reach the apiservers directly or through the balancer: both addresses are SANs.
  API_SANS="DNS:localhost,IP:127.0.0.1"
  [[ "${LB_ADDRESS}" == 127.0.0.1 ]] || API_SANS+=",IP:${LB_ADDRESS}"
  if ! {
    kube::pki::ca "${PKI_DIR}" &&
      kube::pki::serving_cert "${PKI_DIR}" kube-apiserver "${API_SANS}" &&
      kube::pki::client_cert "${PKI_DIR}" admin kubestore-admin system:masters &&
      kube::pki::client_cert "${PKI_DIR}" kube-controller-manager system:kube-controller-manager &&
      kube::pki::client_cert "${PKI_DIR}" kube-apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  }; then
    kube::log::error "could not make the certificates in ${PKI_DIR} (is openssl installed?)"
    exit 1
  fi
  # Each node: a serving certificate and a client identity system:node:<name>.
  for node in "${NODE_NAMES[@]}"; do
    if ! {
      kube::pki::serving_cert "${PKI_DIR}" "kubelet-serving-${node}" "DNS:${node},DNS:localhost,IP:127.0.0.1" &&
        kube::pki::client_cert "${PKI_DIR}" "kubelet-${node}" "system:node:${node}" system:nodes
    }; then
      kube::log::error "could not make the certificates of node ${node} in ${PKI_DIR}"
      exit 1
    fi
  done
  CM_KUBECONFIG="${RUN_DIR}/kube-controller-manager.kubeconfig"
  kube::kubeconfig::write "${KUBECONFIG_FILE}" "${API_URL}" kubestore-admin "${PKI_DIR}/ca.crt" "${PKI_DIR}/admin.crt" "${PKI_DIR}/admin.key"
  kube::kubeconfig::write "${CM_KUBECONFIG}" "${API_URL}" system:kube-controller-manager \
    "${PKI_DIR}/ca.crt" "${PKI_DIR}/kube-controller-manager.crt" "${PKI_DIR}/kube-controller-manager.key"
  APISERVER_SERVING=(
    --port=0
    --tls-cert-file="${PKI_DIR}/kube-apiserver.crt" --tls-private-key-file="${PKI_DIR}/kube-apiserver.key"
    --client-ca-file="${PKI_DIR}/ca.crt"
    --authorization-mode="${AUTHORIZATION_MODE}"
    --audit-log-path="${AUDIT_LOG}"
    --kubelet-client-certificate="${PKI_DIR}/kube-apiserver-kubelet-client.crt"
    --kubelet-client-key="${PKI_DIR}/kube-apiserver-kubelet-client.key"
    --kubelet-certificate-authority="${PKI_DIR}/ca.crt"
  )
  # The kubelet's server: TLS, clients authenticated by the CA or a TokenReview, authorized by
  # a SubjectAccessReview (nodes/log, nodes/proxy, ...).
  KUBELET_SCHEME=https
fi

# The kubeconfig (RUN_DIR/<kubelet>.kubeconfig) and serving flags of node index $1, in the
# globals KUBELET_KUBECONFIG and KUBELET_SERVING.
kubelet_identity() {
  local node="${NODE_NAMES[$1]}" kubelet="${KUBELETS[$1]}"
  if [[ "${PLAIN_HTTP}" == true ]]; then
    KUBELET_KUBECONFIG="${KUBECONFIG_FILE}"
    KUBELET_SERVING=()
    return 0
  fi
  KUBELET_KUBECONFIG="${RUN_DIR}/${kubelet}.kubeconfig"
  kube::kubeconfig::write "${KUBELET_KUBECONFIG}" "${API_URL}" "system:node:${node}" \
    "${PKI_DIR}/ca.crt" "${PKI_DIR}/kubelet-${node}.crt" "${PKI_DIR}/kubelet-${node}.key"
  KUBELET_SERVING=(
    --tls-cert-file="${PKI_DIR}/kubelet-serving-${node}.crt" --tls-private-key-file="${PKI_DIR}/kubelet-serving-${node}.key"
    --client-ca-file="${PKI_DIR}/ca.crt" --authentication-token-webhook --authorization-mode=Webhook
  )
}


if ((ETCD_MEMBERS == 1)); then
  kube::log::status "starting etcd on 127.0.0.1:${ETCD_PORT} (data ${DATA_DIR}/etcd)"
  if ! kube::etcd::start "${DATA_DIR}/etcd" "${ETCD_PORT}" "${RUN_DIR}/etcd.log"; then
    tail -n 25 "${RUN_DIR}/etcd.log" >&2 || true
    exit 1
  fi
  echo "${KUBE_ETCD_PID}" >"${RUN_DIR}/etcd.pid"
  ETCD_SERVERS="${KUBE_ETCD_ENDPOINT}"
else
  # A Raft cluster of ETCD_MEMBERS members, each its own ports and data directory.
  kube::etcd::start_cluster "${DATA_DIR}/etcd-members" "${ETCD_PORT}" "${ETCD_MEMBERS}" "${RUN_DIR}" || {
    stop_all
    exit 1
  }
  ETCD_SERVERS="${KUBE_ETCD_ENDPOINTS}"
fi

# Both binaries get the same hostPath roots: the apiserver refuses StorageClasses outside them,
# the controller-manager provisions and reclaims only inside them.
HOSTPATH_FLAGS=(--hostpath-base-dir="${HOSTPATH_BASE_DIR}" --hostpath-allowed-roots="${HOSTPATH_ALLOWED_ROOTS}")
if ((API_SERVERS == 1)); then
  API_BACKEND_PORTS=("${API_FRONT_PORT}")
else
  API_BACKEND_PORT="${API_BACKEND_PORT:-$((API_FRONT_PORT + 1))}"
  mapfile -t API_BACKEND_PORTS < <(for i in $(seq 0 $((API_SERVERS - 1))); do echo $((API_BACKEND_PORT + i)); done)
fi
API_SCHEME="${API_URL%%://*}"
for i in "${!APISERVERS[@]}"; do
  kube::log::status "starting ${APISERVERS[$i]} on ${API_SCHEME}://127.0.0.1:${API_BACKEND_PORTS[$i]}"
  start_process "${APISERVERS[$i]}" kube-apiserver --etcd-servers="${ETCD_SERVERS}" --bind-address=127.0.0.1 \
    "${APISERVER_PORT_FLAG}=${API_BACKEND_PORTS[$i]}" "${APISERVER_SERVING[@]}" "${HOSTPATH_FLAGS[@]}"
done
for i in "${!APISERVERS[@]}"; do
  kube::util::wait_for 60 healthy "${API_SCHEME}://127.0.0.1:${API_BACKEND_PORTS[$i]}/readyz" || fail "${APISERVERS[$i]}"
done
if ((API_SERVERS > 1)); then
  kube::log::status "starting HAProxy on ${API_URL} in front of ${API_SERVERS} apiservers (ports ${API_BACKEND_PORTS[*]})"
  tls=true
  [[ "${PLAIN_HTTP}" != true ]] || tls=false
  kube::haproxy::config "${RUN_DIR}/haproxy.cfg" "${LB_ADDRESS}" "${API_FRONT_PORT}" "${tls}" "${API_BACKEND_PORTS[@]}"
  kube::haproxy::start "${RUN_DIR}/haproxy.cfg" "${RUN_DIR}/haproxy.log" "${RUN_DIR}/haproxy.pid" || fail haproxy
  kube::util::wait_for 30 healthy "${API_URL}/readyz" || fail haproxy
fi

# The three snapshot.storage.k8s.io CRDs, exactly as external-snapshotter ships them (the test of
# the CRD support), before the controller-manager whose snapshot controller watches them.
# Idempotent: kubectl apply of an unchanged CRD changes nothing.
if [[ -z "${SNAPSHOT_CRDS_DIR:-}" ]]; then
  SNAPSHOT_CRDS_DIR="${KUBE_ROOT}/../shared/upstream/external-snapshotter"
  [[ -d "${SNAPSHOT_CRDS_DIR}" ]] || SNAPSHOT_CRDS_DIR=/work/shared/upstream/external-snapshotter
fi
if [[ -d "${SNAPSHOT_CRDS_DIR}" ]] && command -v kubectl >/dev/null 2>&1; then
  kube::log::status "applying the snapshot CRDs from ${SNAPSHOT_CRDS_DIR}"
  KUBECONFIG="${KUBECONFIG_FILE}" kubectl apply -f "${SNAPSHOT_CRDS_DIR}" >/dev/null || fail kube-apiserver
  KUBECONFIG="${KUBECONFIG_FILE}" kubectl wait --for=condition=Established --timeout=30s \
    crd/volumesnapshotclasses.snapshot.storage.k8s.io crd/volumesnapshotcontents.snapshot.storage.k8s.io \
    crd/volumesnapshots.snapshot.storage.k8s.io >/dev/null || fail kube-apiserver
else
  kube::log::status "snapshot CRDs not applied (no ${SNAPSHOT_CRDS_DIR} or no kubectl): snapshots are unavailable"
fi

kube::log::status "starting kube-controller-manager (healthz on 127.0.0.1:${CM_PORT})"
start_component kube-controller-manager --kubeconfig="${CM_KUBECONFIG}" --port="${CM_PORT}" \
  "${HOSTPATH_FLAGS[@]}" --nfs-export-root="${NFS_EXPORT_ROOT}" --provisioning-record-dir="${PROVISIONING_RECORD_DIR}"
kube::util::wait_for 30 curl -fsS --max-time 2 "http://127.0.0.1:${CM_PORT}/healthz" || fail kube-controller-manager

# One kubelet per node, all on the same dockerd: each its own name, identity, port and root
# directory (its local volumes under <root>/local-volumes), so a volume on another node is
# really somewhere else. The runtime labels containers with the node: kubelets never touch
# each other's.
printf '%s\n' "${NODE_NAMES[@]}" >"${NODES_FILE}"
for i in "${!NODE_NAMES[@]}"; do
  port=$((KUBELET_PORT + i))
  kubelet_identity "${i}"
  kube::log::status "starting ${KUBELETS[$i]} for node ${NODE_NAMES[$i]} (port ${port}, root ${NODE_ROOTS[$i]})"
  start_process "${KUBELETS[$i]}" kubelet --kubeconfig="${KUBELET_KUBECONFIG}" --node-name="${NODE_NAMES[$i]}" --port="${port}" \
    "${KUBELET_SERVING[@]}" --root-dir="${NODE_ROOTS[$i]}" --nfs-export-root="${NFS_EXPORT_ROOT}"
done
node_ready() {
  KUBECONFIG="${KUBECONFIG_FILE}" kubectl get node "$1" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -q True
}
for i in "${!NODE_NAMES[@]}"; do
  kube::util::wait_for 30 healthy "${KUBELET_SCHEME}://127.0.0.1:$((KUBELET_PORT + i))/healthz" || fail "${KUBELETS[$i]}"
  if command -v kubectl >/dev/null 2>&1; then
    kube::util::wait_for 30 node_ready "${NODE_NAMES[$i]}" || fail "${KUBELETS[$i]}"
  fi
done

if [[ "${PLAIN_HTTP}" == true ]]; then
  SECURITY="TEST MODE: plain HTTP on ${API_URL}, no authentication or authorization."
else
  SECURITY="API ${API_URL} (TLS; x509 client certificates; --authorization-mode=${AUTHORIZATION_MODE})
Certificates: ${PKI_DIR} (CA ca.crt, admin = CN=kubestore-admin O=system:masters)   Audit log: ${AUDIT_LOG}"
fi
cat <<MSG

Local cluster is up. Logs: ${RUN_DIR}/*.log   Data: ${DATA_DIR}
${SECURITY}
Nodes: ${NODE_NAMES[*]} (local volumes under <root>/local-volumes: ${NODE_ROOTS[*]})

  export KUBECONFIG=${KUBECONFIG_FILE} KUBESTORE_DATA_DIR=${DATA_DIR}
  kubectl get nodes,storageclasses
  kubectl apply -f manifests/pvc-dynamic-test.yaml
  kubectl get pvc,pv
  kubectl apply -f manifests/pod-pvc-only-test.yaml && kubectl logs -f test-pod

MSG
if ((ETCD_MEMBERS > 1 || API_SERVERS > 1)); then
  echo "HA: etcd members ${ETCD_SERVERS}; apiservers on ports ${API_BACKEND_PORTS[*]}$( ((API_SERVERS == 1)) || echo " behind HAProxy at ${API_URL} (${RUN_DIR}/haproxy.cfg)")"
  echo
fi

if [[ "${mode}" == detach ]]; then
  echo "Running in the background; stop it with: hack/local-up-cluster.sh --down"
  exit 0
fi

echo "Press Ctrl-C to stop the cluster."
trap 'echo; stop_all; exit 0' INT TERM
# Wait until a component dies (then stop the rest) or Ctrl-C. A replica (an etcd member of
# several, an apiserver of several) may die: the cluster is built to ride that out, so it is
# reported once and the rest keep running; the last replica of its kind dying stops everything.
declare -A reported=()
replicas_alive() {
  local n
  for n in "$@"; do pid_alive "${RUN_DIR}/${n}.pid" && return 0; done
  return 1
}
while true; do
  for name in "${ETCDS[@]}" "${COMPONENTS[@]}"; do
    pid_alive "${RUN_DIR}/${name}.pid" && { unset "reported[${name}]"; continue; }
    group=()
    case "${name}" in
      etcd*) ((ETCD_MEMBERS == 1)) || group=("${ETCDS[@]}") ;;
      kube-apiserver*) ((API_SERVERS == 1)) || group=("${APISERVERS[@]}") ;;
    esac
    if ((${#group[@]} > 0)) && replicas_alive "${group[@]}"; then
      [[ -n "${reported[${name}]:-}" ]] || kube::log::error "${name} exited; the other replicas keep serving (see ${RUN_DIR}/${name}.log)"
      reported[${name}]=1
      continue
    fi
    kube::log::error "${name} exited; last lines of ${RUN_DIR}/${name}.log:"
    tail -n 15 "${RUN_DIR}/${name}.log" >&2 || true
    stop_all
    exit 1
  done
  sleep 2 &
  wait $! || true
done
