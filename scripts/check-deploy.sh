#!/usr/bin/env bash
# Checks deploy/ (run by ctest): the systemd unit passes `systemd-analyze verify`, and the compose
# file, the Kubernetes manifests, the config files and the Dockerfile pass scripts/check_deploy.py
# (YAML syntax and structure, a Dockerfile lint). Neither Docker nor a running systemd is needed:
# the unit is verified against a scratch root holding the system's unit files and a stand-in
# for the binary, so this works in a container or chroot. `--self-test` also breaks copies of the
# files on purpose and fails unless every break is caught.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v systemd-analyze >/dev/null; then
  echo "check-deploy: systemd-analyze not found (package systemd; make deps installs it)" >&2
  exit 1
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# verify resolves ExecStart= and the unit's dependencies (sysinit.target, ...) inside --root.
verify_unit() {
  local unit_file=$1 root=$scratch/root
  rm -rf "$root"
  mkdir -p "$root/usr/local/bin" "$root/usr/lib/systemd" "$root/etc/systemd/system"
  cp -r /usr/lib/systemd/system "$root/usr/lib/systemd/"
  printf '#!/bin/sh\n' >"$root/usr/local/bin/claimgraphd"
  chmod +x "$root/usr/local/bin/claimgraphd"
  cp "$unit_file" "$root/etc/systemd/system/claimgraphd.service"
  # Warnings (an unknown or misspelt key) do not change the exit code: any output is a failure.
  local output
  output=$(SYSTEMD_LOG_COLOR=0 systemd-analyze verify --root="$root" --man=no --generators=no \
    claimgraphd.service 2>&1) || { echo "$output"; return 1; }
  if [ -n "$output" ]; then
    echo "$output"
    return 1
  fi
}

if [ "${1:-}" = "--self-test" ]; then
  sed 's/^NoNewPrivileges=yes/NoNewPrivilege=yes/' deploy/claimgraphd.service >"$scratch/typo.service"
  if verify_unit "$scratch/typo.service" >/dev/null; then
    echo "check-deploy self-test: a misspelt unit key passed systemd-analyze verify" >&2
    exit 1
  fi
  sed 's|^ExecStart=/usr/local/bin/claimgraphd|ExecStart=/usr/local/bin/no-such-binary|' \
    deploy/claimgraphd.service >"$scratch/missing.service"
  if verify_unit "$scratch/missing.service" >/dev/null; then
    echo "check-deploy self-test: a missing ExecStart binary passed systemd-analyze verify" >&2
    exit 1
  fi
  echo "check-deploy self-test: systemd-analyze verify catches a misspelt key and a missing binary"
  exec /usr/bin/python3 scripts/check_deploy.py --self-test
fi

verify_unit deploy/claimgraphd.service
echo "check-deploy: systemd-analyze verify deploy/claimgraphd.service: ok"
exec /usr/bin/python3 scripts/check_deploy.py
