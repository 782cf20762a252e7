#!/usr/bin/env bash
# Lints proto/ with buf (the npm package @bufbuild/buf, pinned), installed into build/tools.
set -euo pipefail
cd "$(dirname "$0")/.."
BUF_VERSION=1.47.2
tools=build/tools
buf=$tools/node_modules/.bin/buf
if [ ! -x "$buf" ] || [ "$("$buf" --version 2>/dev/null)" != "$BUF_VERSION" ]; then
  mkdir -p "$tools"
  if ! npm install --silent --no-audit --no-fund --prefix "$tools" "@bufbuild/buf@$BUF_VERSION" \
      >"$tools/npm-install.log" 2>&1; then
    # buf comes from the npm registry; a machine that cannot reach it (no route, or a TLS proxy
    # whose CA the machine does not trust) cannot lint. Say so loudly rather than fail the build.
    echo "buf lint: SKIPPED — could not install @bufbuild/buf@$BUF_VERSION from npm:" >&2
    grep -m3 'ERR!' "$tools/npm-install.log" >&2 || tail -n 3 "$tools/npm-install.log" >&2
    exit 0
  fi
fi
# The protos import google/api/annotations.proto: lint in a folder holding both our protos and
# Debian's googleapis ones (links), with proto/buf.yaml, which leaves google/ unlinted.
googleapis=/usr/share/gocode/src/github.com/gogo/googleapis/google
workspace=build/proto-lint
rm -rf "$workspace"
mkdir -p "$workspace"
ln -s "$PWD/proto/claimgraph" "$workspace/claimgraph"
ln -s "$googleapis" "$workspace/google"
cp proto/buf.yaml "$workspace/buf.yaml"
(cd "$workspace" && "../../$buf" lint)
echo "buf lint: proto/ clean"
