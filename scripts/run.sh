#!/usr/bin/env bash
# `make run`: serves claimgraphd on 127.0.0.1:50051 over ./data/db with the sample data loaded.
# Loading is idempotent, so a second run reuses the data without duplicating it.
set -euo pipefail
cd "$(dirname "$0")/.."
listen=${CLAIMGRAPH_LISTEN:-127.0.0.1:50051}
cat <<EXAMPLES
claimgraphd is starting on $listen with the sample article loaded (data in ./data/db).
In another terminal, try:
  build/bin/claimgraph stats
  build/bin/claimgraph entity search kirby
  build/bin/claimgraph claim list --subject iran
  build/bin/claimgraph claim get claim-route-from-kirby
  build/bin/claimgraph statement get \$(build/bin/claimgraph --json claim get claim-route-from-kirby | sed 's/.*"statement_id":"\([^"]*\)".*/\1/')
Stop with Ctrl-C.
EXAMPLES
mkdir -p data/db
exec build/bin/claimgraphd --listen "$listen" --data-dir data/db --load data/sample/claims.ndjson
