#!/usr/bin/env bash
# Idempotent installers/starters for what the project needs on a Debian 12 box:
# Debian packages, etcd, dockerd, a local busybox:latest image, node_modules + dist.
# Every function is safe to call again; each returns non-zero (with one "!!!" line)
# on failure instead of relying on errexit, so `if ! kube::deps::docker; then` works.

set -euo pipefail

[[ -n "${KUBE_LIB_DEPS_SOURCED:-}" ]] && return 0
KUBE_LIB_DEPS_SOURCED=1

# shellcheck source=hack/lib/util.sh
source "$(dirname "${BASH_SOURCE[0]}")/util.sh"

KUBE_DEPS_APT_UPDATED="${KUBE_DEPS_APT_UPDATED:-}"
KUBE_DEPS_BUSYBOX_OUT=""

# kube::deps::apt PKG... — install the Debian packages that are not installed yet.
# Runs `apt-get update` once per process, before the first install.
kube::deps::apt() {
  local missing=() pkg
  for pkg in "$@"; do
    if [[ "$(dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null || true)" != "install ok installed" ]]; then
      missing+=("${pkg}")
    fi
  done
  ((${#missing[@]} > 0)) || return 0

  # Wait for other apt users (concurrent scripts) instead of failing on the lock.
  local apt=(env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
    apt-get -o DPkg::Lock::Timeout=300 -y -q)
  if [[ -z "${KUBE_DEPS_APT_UPDATED}" ]]; then
    kube::log::status "apt-get update"
    kube::util::sudo "${apt[@]}" update </dev/null >/dev/null || {
      kube::log::error "apt-get update failed"
      return 1
    }
    KUBE_DEPS_APT_UPDATED=1
  fi

  # Keep package postinst scripts from starting services (etcd, docker): we start
  # our own. Only add a policy-rc.d if the image does not already have one.
  local policy=/usr/sbin/policy-rc.d added_policy=""
  if [[ ! -e "${policy}" ]]; then
    kube::util::sudo sh -c "printf '#!/bin/sh\nexit 101\n' > ${policy} && chmod 755 ${policy}" && added_policy=1
  fi
  kube::log::status "apt-get install ${missing[*]}"
  local rc=0
  kube::util::sudo "${apt[@]}" install --no-install-recommends "${missing[@]}" </dev/null >/dev/null || rc=$?
  [[ -z "${added_policy}" ]] || kube::util::sudo rm -f "${policy}"
  if ((rc != 0)); then
    kube::log::error "apt-get install ${missing[*]} failed (exit ${rc})"
    return 1
  fi
}

# kube::deps::etcd — ensure /usr/bin/etcd (Debian etcd-server, 3.4). We never use
# the packaged service; hack/lib/etcd.sh starts throwaway instances.
kube::deps::etcd() {
  [[ -x /usr/bin/etcd ]] && return 0
  kube::deps::apt etcd-server || return 1
  [[ -x /usr/bin/etcd ]] || {
    kube::log::error "etcd-server installed but /usr/bin/etcd is missing"
    return 1
  }
}

# kube::deps::docker_ready — true when the docker daemon answers (10 s cap).
kube::deps::docker_ready() {
  timeout 10 docker info >/dev/null 2>&1
}

# kube::deps::docker [RUN_DIR] — ensure docker.io is installed and a daemon answers
# `docker info`. If none does, start dockerd in its own session (it outlives the
# caller), logging to RUN_DIR/dockerd.log (default /var/log/kubestore-dockerd.log).
# Tries flag sets in order until one comes up (60 s overall deadline):
#   (none) | --iptables=false --bridge=none | --storage-driver=vfs | both
# Note: a dockerd started with --bridge=none deletes an existing docker0 interface,
# so never point this at a second daemon on a host whose daemon uses docker0.
# KUBESTORE_DOCKERD_FLAGS adds flags to every attempt (e.g. --data-root ...); the
# attempt's own flags come after them, so they win when both set the same flag.
kube::deps::docker() {
  local run_dir="${1:-}"
  if [[ ! -x /usr/sbin/dockerd ]] || ! command -v docker >/dev/null 2>&1; then
    kube::deps::apt docker.io || return 1
  fi
  kube::deps::docker_ready && return 0

  local log=/var/log/kubestore-dockerd.log lock=/var/lock/kubestore-dockerd.lock
  if [[ -n "${run_dir}" ]]; then
    mkdir -p "${run_dir}" || return 1
    log="${run_dir}/dockerd.log"
    lock="${run_dir}/dockerd.lock"
  fi

  # Serialise concurrent callers: only one of them starts dockerd.
  local lock_fd
  exec {lock_fd}>"${lock}"
  if ! flock -w 120 "${lock_fd}"; then
    exec {lock_fd}>&-
    kube::log::error "timed out waiting for ${lock}"
    return 1
  fi
  local rc=0
  kube::deps::_start_dockerd "${log}" || rc=$?
  exec {lock_fd}>&-
  return "${rc}"
}

# kube::deps::_start_dockerd LOG — the body of kube::deps::docker, under its lock.
kube::deps::_start_dockerd() {
  local log="$1"
  kube::deps::docker_ready && return 0

  local -a extra=() sudo=()
  read -r -a extra <<<"${KUBESTORE_DOCKERD_FLAGS:-}"
  [[ "${EUID}" -eq 0 ]] || sudo=(sudo)
  local attempts=(
    ""
    "--iptables=false --bridge=none"
    "--storage-driver=vfs"
    "--iptables=false --bridge=none --storage-driver=vfs"
  )
  local deadline=$((SECONDS + 60)) flags pid
  for flags in "${attempts[@]}"; do
    local -a argv=()
    read -r -a argv <<<"${flags}"
    echo "=== $(date -u +%FT%TZ) dockerd ${extra[*]} ${argv[*]}" >>"${log}"
    kube::log::status "starting dockerd ${argv[*]} (log: ${log})"
    # Own session (survives Ctrl-C and the caller's exit); no inherited fds beyond
    # 0-2 (a held pipe or our lock fd would outlive us); setsid --wait keeps ${pid}
    # alive exactly as long as dockerd.
    (
      for fd in /proc/self/fd/*; do
        fd="${fd##*/}"
        if ((fd > 2)); then eval "exec ${fd}>&-" 2>/dev/null || true; fi
      done
      exec "${sudo[@]}" setsid --wait dockerd "${extra[@]}" "${argv[@]}"
    ) </dev/null >>"${log}" 2>&1 &
    pid=$!
    while ((SECONDS < deadline)); do
      if kube::deps::docker_ready; then
        disown "${pid}" 2>/dev/null || true
        kube::log::status "dockerd is up (flags: ${argv[*]:-none})"
        return 0
      fi
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "${pid}" 2>/dev/null; then
      "${sudo[@]}" kill "${pid}" 2>/dev/null || true
      kube::log::error "dockerd did not answer 'docker info' within 60 s; see ${log}"
      return 1
    fi
    wait "${pid}" 2>/dev/null || true
    # Someone else may have started a daemon meanwhile.
    kube::deps::docker_ready && return 0
    ((SECONDS < deadline)) || break
  done
  kube::log::error "could not start dockerd with any flag set; last lines of ${log}: $(tail -n 3 "${log}" | tr '\n' ' ')"
  return 1
}

# kube::deps::busybox_image [IMAGE] — ensure IMAGE (default busybox:latest) exists
# and works. No registry here, so it is built from Debian's busybox-static: a rootfs
# of /bin/busybox plus one symlink per applet, imported with `docker import`.
# Checks: a write to the container's rootfs and a write through a bind mount.
kube::deps::busybox_image() {
  local image="${1:-busybox:latest}"
  if docker image inspect "${image}" >/dev/null 2>&1 && kube::deps::_busybox_works "${image}"; then
    return 0
  fi
  kube::deps::apt busybox-static || return 1
  local bb
  bb="$(command -v busybox || true)"
  if [[ -z "${bb}" ]] || ! "${bb}" --list >/dev/null 2>&1; then
    kube::log::error "busybox-static installed but no working busybox binary"
    return 1
  fi

  kube::log::status "building ${image} from ${bb}"
  local rootfs
  rootfs="$(mktemp -d "${TMPDIR:-/tmp}/kubestore-busybox.XXXXXX")" || return 1
  if ! kube::deps::_busybox_rootfs "${rootfs}" "${bb}"; then
    rm -rf "${rootfs}"
    kube::log::error "could not assemble the busybox rootfs"
    return 1
  fi

  local rc=0
  tar --numeric-owner --owner=0 --group=0 -C "${rootfs}" -c . |
    docker import \
      --change 'CMD ["sh"]' \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      - "${image}" >/dev/null || rc=$?
  rm -rf "${rootfs}"
  if ((rc != 0)); then
    kube::log::error "docker import of ${image} failed"
    return 1
  fi
  kube::deps::_busybox_works "${image}" || {
    kube::log::error "${image} was built but a test container failed: ${KUBE_DEPS_BUSYBOX_OUT:-}"
    return 1
  }
  kube::log::status "${image} ready"
}

# kube::deps::_busybox_rootfs DIR BUSYBOX — fill DIR with bin/busybox, a symlink
# per applet, a minimal /etc/passwd and /etc/group, and a world-writable /tmp.
kube::deps::_busybox_rootfs() {
  local dir="$1" bb="$2" applet
  mkdir -p "${dir}"/{bin,etc,root,tmp,proc,sys,dev} || return 1
  chmod 1777 "${dir}/tmp" || return 1
  cp "${bb}" "${dir}/bin/busybox" || return 1
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"${dir}/etc/passwd" || return 1
  printf 'root:x:0:\nnobody:x:65534:\n' >"${dir}/etc/group" || return 1
  while read -r applet; do
    if [[ -n "${applet}" && "${applet}" != busybox ]]; then
      ln -sf busybox "${dir}/bin/${applet}" || return 1
    fi
  done < <("${bb}" --list)
}

# kube::deps::_busybox_works IMAGE — run IMAGE once: write to its rootfs and to a
# bind-mounted host dir (no network needed).
kube::deps::_busybox_works() {
  local image="$1" dir out rc=0
  dir="$(mktemp -d "${TMPDIR:-/tmp}/kubestore-bbcheck.XXXXXX")" || return 1
  out="$(timeout 60 docker run --rm --network none -v "${dir}:/data" "${image}" \
    sh -c 'echo hi > /x && cat /x && echo ok > /data/probe' 2>&1)" || rc=$?
  [[ ${rc} -eq 0 && "${out}" == hi && "$(cat "${dir}/probe" 2>/dev/null)" == ok ]] || rc=1
  KUBE_DEPS_BUSYBOX_OUT="${out}"
  rm -rf "${dir}"
  return "${rc}"
}

# kube::deps::node_modules — `npm ci` when node_modules is missing or older than
# package-lock.json, then always `npm run build` (tsc takes a few seconds).
# KUBESTORE_SKIP_BUILD=1 skips the build.
kube::deps::node_modules() {
  (
    cd "${KUBE_ROOT}" || exit 1
    if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
      kube::log::status "npm ci"
      npm ci --no-audit --no-fund || {
        kube::log::error "npm ci failed"
        exit 1
      }
    fi
    if [[ "${KUBESTORE_SKIP_BUILD:-}" == 1 ]]; then
      kube::log::status "skipping npm run build (KUBESTORE_SKIP_BUILD=1)"
      exit 0
    fi
    kube::log::status "npm run build"
    npm run --silent build || {
      kube::log::error "npm run build failed (type errors above)"
      exit 1
    }
  )
}
