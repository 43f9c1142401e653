#!/usr/bin/env bash
# A small PKI for a local cluster, made with Debian's openssl (no hand-written crypto):
#
#   kube::pki::ca DIR                         DIR/ca.crt + ca.key (ECDSA P-256, 1 year), kept if present
#   kube::pki::serving_cert DIR NAME SANS     DIR/NAME.crt + NAME.key for TLS servers;
#                                             SANS like "DNS:localhost,IP:127.0.0.1" (kept in
#                                             NAME.sans: other SANS than last time re-issue it)
#   kube::pki::client_cert DIR NAME CN [O...] DIR/NAME.crt + NAME.key: user CN, one group per O
#
# Every certificate is signed by DIR/ca.*; keys are mode 0600. Existing files are kept, so a
# cluster's certificates (and the kubeconfigs embedding them) survive a restart.

[[ -n "${KUBE_LIB_PKI_SOURCED:-}" ]] && return 0
KUBE_LIB_PKI_SOURCED=1

KUBE_PKI_DAYS="${KUBE_PKI_DAYS:-365}"

kube::pki::_key() {
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null)
}

kube::pki::ca() {
  local dir="$1"
  mkdir -p "${dir}"
  [[ -s "${dir}/ca.crt" && -s "${dir}/ca.key" ]] && return 0
  kube::pki::_key "${dir}/ca.key" &&
    openssl req -x509 -new -key "${dir}/ca.key" -subj "/CN=kubestore-ca" -days "${KUBE_PKI_DAYS}" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -out "${dir}/ca.crt" 2>/dev/null
}

# kube::pki::_sign DIR NAME SUBJECT EXTFILE
kube::pki::_sign() {
  local dir="$1" name="$2" subject="$3" ext="$4"
  kube::pki::_key "${dir}/${name}.key" &&
    openssl req -new -key "${dir}/${name}.key" -subj "${subject}" -out "${dir}/${name}.csr" 2>/dev/null &&
    openssl x509 -req -in "${dir}/${name}.csr" -CA "${dir}/ca.crt" -CAkey "${dir}/ca.key" -CAcreateserial \
      -days "${KUBE_PKI_DAYS}" -extfile "${ext}" -out "${dir}/${name}.crt" 2>/dev/null
  local rc=$?
  rm -f "${dir}/${name}.csr" "${ext}"
  return "${rc}"
}

kube::pki::serving_cert() {
  local dir="$1" name="$2" sans="$3"
  if [[ -s "${dir}/${name}.crt" && -s "${dir}/${name}.key" ]] &&
    [[ "$(cat "${dir}/${name}.sans" 2>/dev/null)" == "${sans}" ]]; then
    return 0
  fi
  local ext
  ext="$(mktemp)"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "${sans}" >"${ext}"
  kube::pki::_sign "${dir}" "${name}" "/CN=${name}" "${ext}" && printf '%s' "${sans}" >"${dir}/${name}.sans"
}

kube::pki::client_cert() {
  local dir="$1" name="$2" cn="$3"
  shift 3
  [[ -s "${dir}/${name}.crt" && -s "${dir}/${name}.key" ]] && return 0
  local subject="" o ext
  for o in "$@"; do subject+="/O=${o}"; done
  subject+="/CN=${cn}"
  ext="$(mktemp)"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >"${ext}"
  kube::pki::_sign "${dir}" "${name}" "${subject}" "${ext}"
}
