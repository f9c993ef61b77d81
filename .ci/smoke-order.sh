#!/usr/bin/env bash
# Starts the system the way the README says (npm start) on whatever node is first on PATH, waits for
# the three services, places the README's example order and expects 201 Created. Stops it after.
set -euo pipefail
cd "$(dirname "$0")/.."
log="$(mktemp)"
# A process group of its own, so that stopping it stops npm, the launcher, the services and PostgreSQL.
setsid npm start >"$log" 2>&1 &
pid=$!
stop() {
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do kill -0 -- "-$pid" 2>/dev/null || return 0; sleep 1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
}
trap stop EXIT
for port in 3000 3001 3002; do
  for _ in $(seq 1 120); do
    curl -sf "localhost:$port/readyz" >/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "npm start exited"; exit 1; }
    sleep 1
  done
done
body="$(mktemp)"   # not -o /dev/stderr: reopening it would truncate a log file stderr points to
status=$(curl -s -o "$body" -w '%{http_code}' localhost:3000/orders -H 'content-type: application/json' \
  -H "Idempotency-Key: $(node -p 'crypto.randomUUID()')" \
  -d '{"accountId":"acc-alice","lines":[{"sku":"COFFEE-1KG","quantity":1}]}')
cat "$body"; echo
[ "$status" = 201 ] || { tail -50 "$log"; echo "expected 201 Created, got $status"; exit 1; }
echo "order placed on node $(node -v): 201 Created"
