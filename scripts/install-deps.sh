#!/usr/bin/env bash
# Installs exactly the Debian 12 packages claimgraph needs to build, test and run, when missing.
# Idempotent; run as root on a fresh machine. Prints nothing when everything is present.
set -euo pipefail
packages=(
  cmake ninja-build g++ make pkg-config ccache git
  librocksdb-dev rocksdb-tools
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libabsl-dev libssl-dev
  libboost-graph-dev doctest-dev libcli11-dev
  python3 python3-grpcio python3-protobuf python3-yaml
  systemd
  graphviz libgraphviz-dev raptor2-utils openssl
  golang-github-gogo-googleapis-dev
  python3-prov python3-rdflib
  chromium chromium-driver python3-selenium
  postgresql-15 libpq-dev gnuplot-nox time
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm lints the protos (buf); a machine may carry its own Node.js outside dpkg.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing packages (${missing[*]}); run as root: sudo $0" >&2
    exit 1
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The benchmark's graph database peer (bench/kuzu: the npm package kuzu, a prebuilt native
# library). npm here does not run install scripts, so the package's own install step, which puts
# that library in place, runs after it.
bench_tools=$(cd "$(dirname "$0")/../bench/kuzu" && pwd)
if ! (cd "$bench_tools" && node -e 'require("kuzu")') >/dev/null 2>&1; then
  echo "install-deps: installing kuzu into $bench_tools"
  npm install --prefix "$bench_tools" --no-audit --no-fund >/dev/null
  (cd "$bench_tools/node_modules/kuzu" && node install.js >/dev/null)
fi
# Test tooling from npm, pinned by tests/js/package-lock.json: a JSON-LD processor (jsonld) that
# validates the ClaimReview export in claimreview_test.
tooling="$(dirname "$0")/../tests/js"
if [ ! -f "$tooling/node_modules/jsonld/package.json" ]; then
  echo "install-deps: installing test tooling (npm ci in tests/js)"
  npm ci --prefix "$tooling" --no-audit --no-fund --silent
fi
