#!/usr/bin/env bash
# A TCP load balancer (Debian's HAProxy) in front of several kube-apiservers:
#
#   kube::haproxy::config FILE ADDRESS PORT TLS BACKEND_PORT...
#       writes FILE: TCP mode on ADDRESS:PORT, round-robin over 127.0.0.1:BACKEND_PORT...,
#       each backend health-checked every second with GET /readyz (over TLS, certificate not
#       verified, when TLS=true: HAProxy is a TCP pass-through, the clients verify the
#       apiserver's certificate themselves); 2 failed checks take a backend out, 1 good one
#       puts it back. Clients' TLS passes through untouched (x509 client auth keeps working).
#   kube::haproxy::start FILE LOG PIDFILE   runs haproxy in the foreground under setsid.

[[ -n "${KUBE_LIB_HAPROXY_SOURCED:-}" ]] && return 0
KUBE_LIB_HAPROXY_SOURCED=1

kube::haproxy::config() {
  local file="$1" address="$2" port="$3" tls="$4"
  shift 4
  local check="check inter 1s fall 2 rise 1"
  [[ "${tls}" == true ]] && check+=" check-ssl verify none"
  {
    cat <<CFG
# Written by hack/local-up-cluster.sh (API_SERVERS>1); regenerated on every start.
global
  maxconn 4096
defaults
  mode tcp
  timeout connect 2s
  # A refused connection (an apiserver that just died, not yet marked down) is retried on
  # another backend, so the client never sees it.
  retries 2
  option redispatch 1
  # Watches are long-lived streams: idle for up to an hour is normal.
  timeout client 1h
  timeout server 1h
  timeout tunnel 1h
frontend kube-apiserver
  bind ${address}:${port}
  default_backend kube-apiservers
backend kube-apiservers
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  # A backend that is marked down has its connections closed: clients reconnect to a live one.
  default-server on-marked-down shutdown-sessions
CFG
    local i=0 p
    for p in "$@"; do
      i=$((i + 1))
      echo "  server apiserver-${i} 127.0.0.1:${p} ${check}"
    done
  } >"${file}"
}

kube::haproxy::start() {
  local file="$1" log="$2" pidfile="$3"
  haproxy -c -q -f "${file}" >>"${log}" 2>&1 || {
    kube::log::error "haproxy refused ${file}; see ${log}"
    return 1
  }
  setsid haproxy -db -f "${file}" </dev/null >>"${log}" 2>&1 &
  echo $! >"${pidfile}"
}
