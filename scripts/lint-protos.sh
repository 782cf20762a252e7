#!/usr/bin/env bash
# Lints proto/ with buf (the npm package @bufbuild/buf, pinned), installed into build/tools.
set -euo pipefail
cd "$(dirname "$0")/.."
BUF_VERSION=1.47.2
tools=build/tools
buf=$tools/node_modules/.bin/buf
if [ ! -x "$buf" ] || [ "$("$buf" --version 2>/dev/null)" != "$BUF_VERSION" ]; then
  mkdir -p "$tools"
  npm install --silent --no-audit --no-fund --prefix "$tools" "@bufbuild/buf@$BUF_VERSION" >/dev/null
fi
(cd proto && "../$buf" lint)
echo "buf lint: proto/ clean"
