#!/usr/bin/env bash
# Kubeconfigs for the local apiserver, so that `kubectl --kubeconfig FILE` (and every component
# given --kubeconfig=FILE) works with no other flag:
#
#   kube::kubeconfig::write FILE SERVER USER                 plain HTTP test port (no credentials)
#   kube::kubeconfig::write FILE SERVER USER CA CERT KEY     https: trusts CA (certificate-authority-data),
#                                                            authenticates with the client CERT + KEY
#
# The PEMs are embedded (base64), so a kubeconfig keeps working when copied elsewhere. Files are
# mode 0600: they hold a private key.

[[ -n "${KUBE_LIB_KUBECONFIG_SOURCED:-}" ]] && return 0
KUBE_LIB_KUBECONFIG_SOURCED=1

kube::kubeconfig::_b64() { base64 -w0 <"$1"; }

kube::kubeconfig::write() {
  local file="$1" server="$2" user="$3" ca="${4:-}" cert="${5:-}" key="${6:-}"
  local cluster_tls user_creds
  if [[ -n "${ca}" ]]; then
    cluster_tls="    certificate-authority-data: $(kube::kubeconfig::_b64 "${ca}")"
    user_creds="    client-certificate-data: $(kube::kubeconfig::_b64 "${cert}")
    client-key-data: $(kube::kubeconfig::_b64 "${key}")"
  else
    # Plain HTTP on loopback; client libraries (e.g. @kubernetes/client-node) refuse http:// without it.
    cluster_tls="    insecure-skip-tls-verify: true"
    user_creds="    {}"
  fi
  mkdir -p "$(dirname "${file}")"
  (
    umask 077
    cat >"${file}" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: kubestore
  cluster:
    server: ${server}
${cluster_tls}
users:
- name: ${user}
  user:
${user_creds}
contexts:
- name: kubestore
  context:
    cluster: kubestore
    user: ${user}
    namespace: default
current-context: kubestore
YAML
  )
}
