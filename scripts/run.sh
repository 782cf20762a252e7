#!/usr/bin/env bash
# `make run`: serves claimgraphd on 127.0.0.1:50051 (gRPC) and 127.0.0.1:8080 (the explorer, the
# HTTP/JSON API, /metrics) over ./data/db with the sample data loaded.
# Loading is idempotent, so a second run reuses the data without duplicating it.
set -euo pipefail
cd "$(dirname "$0")/.."
listen=${CLAIMGRAPH_LISTEN:-127.0.0.1:50051}
http_listen=${CLAIMGRAPH_HTTP_LISTEN:-127.0.0.1:8080}
mkdir -p data/db
build/bin/claimgraphd --listen "$listen" --metrics-listen "$http_listen" --data-dir data/db \
  --load data/sample/claims.ndjson &
server=$!
# Ctrl-C and termination reach the server, which drains and exits; this script then exits with it.
trap 'kill -TERM "$server" 2>/dev/null' INT TERM
# The server writes its admin token (secure by default) before it serves: the explorer's link
# carries it, the way Jupyter's does, so the browser needs no copy and paste.
for _ in $(seq 1 300); do
  [ -s data/db/admin.token ] || ! kill -0 "$server" 2>/dev/null && break
  sleep 0.1
done
token=$(head -n1 data/db/admin.token 2>/dev/null || true)
cat <<EXAMPLES
claimgraphd is starting on $listen with the sample article loaded (data in ./data/db).
Explorer:       http://$http_listen/#token=$token
                (search "kirby", open a statement, draw its trace; the link carries the admin
                token of data/db/admin.token, which the page keeps for this tab only)
HTTP/JSON API:  curl -H "Authorization: Bearer \$(cat data/db/admin.token)" \\
                  "http://$http_listen/v1/entities:search?query=kirby"
In another terminal, try:
  build/bin/claimgraph stats
  build/bin/claimgraph entity search kirby
  build/bin/claimgraph claim list --subject iran
  build/bin/claimgraph claim get claim-route-from-kirby
  build/bin/claimgraph statement get \$(build/bin/claimgraph --json claim get claim-route-from-kirby | sed 's/.*"statement_id":"\([^"]*\)".*/\1/')
  build/bin/claimgraph export --format claimreview > reviews.ndjson
Stop with Ctrl-C.
EXAMPLES
status=0
wait "$server" || status=$?
# A trapped signal interrupts the first wait: wait again for the server's own exit.
if kill -0 "$server" 2>/dev/null; then wait "$server" || status=$?; fi
exit "$status"
