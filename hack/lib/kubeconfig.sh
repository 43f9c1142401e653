#!/usr/bin/env bash
# kube::kubeconfig::write FILE SERVER — a kubeconfig for the local apiserver, so that
# `kubectl --kubeconfig FILE` works with no other flag.

[[ -n "${KUBE_LIB_KUBECONFIG_SOURCED:-}" ]] && return 0
KUBE_LIB_KUBECONFIG_SOURCED=1

kube::kubeconfig::write() {
  local file="$1" server="$2"
  mkdir -p "$(dirname "${file}")"
  cat >"${file}" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: kubestore
  cluster:
    server: ${server}
    # Plain HTTP on loopback; client libraries (e.g. @kubernetes/client-node) refuse http:// without it.
    insecure-skip-tls-verify: true
users:
- name: kubestore-admin
  user: {}
contexts:
- name: kubestore
  context:
    cluster: kubestore
    user: kubestore-admin
    namespace: default
current-context: kubestore
YAML
}
