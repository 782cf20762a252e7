#!/usr/bin/env bash
# `make run`: serves claimgraphd on 127.0.0.1:50051 (gRPC) and 127.0.0.1:8080 (the explorer, the
# HTTP/JSON API, /metrics) over ./data/db with the sample data loaded.
# Loading is idempotent, so a second run reuses the data without duplicating it.
set -euo pipefail
cd "$(dirname "$0")/.."
listen=${CLAIMGRAPH_LISTEN:-127.0.0.1:50051}
http_listen=${CLAIMGRAPH_HTTP_LISTEN:-127.0.0.1:8080}
cat <<EXAMPLES
claimgraphd is starting on $listen with the sample article loaded (data in ./data/db).
Explorer:       http://$http_listen/   (search "kirby", open a statement, draw its trace)
HTTP/JSON API:  curl http://$http_listen/v1/entities:search?query=kirby
In another terminal, try:
  build/bin/claimgraph stats
  build/bin/claimgraph entity search kirby
  build/bin/claimgraph claim list --subject iran
  build/bin/claimgraph claim get claim-route-from-kirby
  build/bin/claimgraph statement get \$(build/bin/claimgraph --json claim get claim-route-from-kirby | sed 's/.*"statement_id":"\([^"]*\)".*/\1/')
Stop with Ctrl-C.
EXAMPLES
mkdir -p data/db
exec build/bin/claimgraphd --listen "$listen" --metrics-listen "$http_listen" --data-dir data/db \
  --load data/sample/claims.ndjson
