#!/usr/bin/env bash
# End-to-end run of the HAProxy example (upstreams.cfg + sidecar.cfg) with real
# certificates from infra/certs: mTLS refusals, HTTP/2 by ALPN, weights changed
# live through the runtime API while curl runs, reloads under traffic, retries
# and ejection of a failing replica, the Prometheus exporter. Prints one line
# per check and exits 1 if any failed. Uses ports 18080-18082, 18405, 18443-18444.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
haproxy_sh=$here/../haproxy.sh
certs_sh=$here/../../certs/certs.sh

for port in 18080 18081 18082 18405 18443 18444; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "smoke.sh: port $port is in use; the example needs 18080-18082, 18405, 18443-18444" >&2
    exit 1
  fi
done

run=$(mktemp -d "${TMPDIR:-/tmp}/commlab-haproxy-smoke.XXXXXX")
export COMMLAB_RUN=$run COMMLAB_CERTS=$run/certs
bg_pid=""
cleanup() {
  if [ -n "$bg_pid" ]; then kill "$bg_pid" 2>/dev/null || true; fi
  "$haproxy_sh" stop --name example-sidecar >/dev/null || true
  "$haproxy_sh" stop --name example-upstreams >/dev/null || true
  rm -rf "$run"
}
trap cleanup EXIT

failures=0
check() { # <description> <expected> <actual>
  if [ "$2" = "$3" ]; then
    printf 'ok    %s\n' "$1"
  else
    printf 'FAIL  %s: expected %s, got %s\n' "$1" "$2" "$3"
    failures=$((failures + 1))
  fi
}
check_between() { # <description> <low> <high> <actual>
  if [ "$4" -ge "$2" ] && [ "$4" -le "$3" ]; then
    printf 'ok    %s: %s (expected %s-%s)\n' "$1" "$4" "$2" "$3"
  else
    printf 'FAIL  %s: expected %s-%s, got %s\n' "$1" "$2" "$3" "$4"
    failures=$((failures + 1))
  fi
}

api() { "$haproxy_sh" api --name "$1" "$2"; }
# A column of the sidecar's "show stat" CSV for one row of backend inventory
# (a server name, or BACKEND): status, stot (requests served), wretr (retries).
stat() {
  api example-sidecar 'show stat' | awk -F, -v s="$1" -v col="$2" '
    NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
    $1 == "inventory" && $2 == s { print $c }'
}
served() { echo "$(stat v1 stot) $(stat v2 stot)"; }
wait_status() { # <server> <UP|DOWN> <seconds>
  local i
  for ((i = 0; i < $3 * 4; i++)); do
    [ "$(stat "$1" status)" = "$2" ] && return 0
    sleep 0.25
  done
  return 1
}
requests() { # <n>: n requests through the sidecar; prints the status codes, one a line
  local i
  for ((i = 0; i < $1; i++)); do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 http://127.0.0.1:18080/orders || true
  done
}

echo "== certificates and instances"
"$certs_sh" --dir "$COMMLAB_CERTS" issue order inventory notification >/dev/null
"$certs_sh" --dir "$COMMLAB_CERTS" expired order >/dev/null
"$certs_sh" --dir "$COMMLAB_CERTS" foreign order >/dev/null
: >"$run/faults.acl"
"$haproxy_sh" start --config "$here/upstreams.cfg" --name example-upstreams | tail -n 1
"$haproxy_sh" start --config "$here/sidecar.cfg" --name example-sidecar | tail -n 1
wait_status v1 UP 10 && wait_status v2 UP 10
check "both replicas pass their mTLS health checks" "UP UP" "$(stat v1 status) $(stat v2 status)"

echo "== mTLS at an inbound sidecar (127.0.0.1:18443)"
c=$COMMLAB_CERTS
tls() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$c/ca.crt" "$@" https://127.0.0.1:18443/ || true; }
check "order's certificate is accepted" 200 "$(tls --cert "$c/order.crt" --key "$c/order.key")"
check "no client certificate: refused in the handshake" 000 "$(tls)"
check "expired certificate: refused in the handshake" 000 "$(tls --cert "$c/expired/order.crt" --key "$c/expired/order.key")"
check "certificate from another CA: refused in the handshake" 000 "$(tls --cert "$c/foreign/order.crt" --key "$c/foreign/order.key")"
check "valid certificate, wrong identity (notification): 403" 403 "$(tls --cert "$c/notification.crt" --key "$c/notification.key")"
check "plain HTTP to the TLS port: no HTTP answer" 000 "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:18443/ || true)"

echo "== HTTP/2"
h2=$(curl -s --http2-prior-knowledge -w '%{http_version}' http://127.0.0.1:18080/)
check "the client spoke HTTP/2 (h2c) to the sidecar" 2 "$(tail -n 1 <<<"$h2")"
check "the request reached the replica as HTTP/2 (h2 over mTLS by ALPN, then h2c)" "v1 HTTP/2.0" "$(head -n 1 <<<"$h2")"

echo "== weights changed live while curl runs"
# A second client runs all along (every request must succeed); the split is
# measured on all requests in each window, from the sidecar's own counters.
(
  while [ ! -f "$run/stop-bg" ]; do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 http://127.0.0.1:18080/bg || echo curl-failed
  done >"$run/bg.codes"
) &
bg_pid=$!
window() { # <requests>: prints the v2 share (percent) of the window
  local v1a v2a v1b v2b
  read -r v1a v2a <<<"$(served)"
  requests "$1" >>"$run/fg.codes"
  read -r v1b v2b <<<"$(served)"
  echo $((100 * (v2b - v2a) / (v1b - v1a + v2b - v2a)))
}
check_between "v2 share at weights 90/10" 7 13 "$(window 100)"
api example-sidecar 'set server inventory/v1 weight 50' >/dev/null
api example-sidecar 'set server inventory/v2 weight 50' >/dev/null
check_between "v2 share at weights 50/50" 45 55 "$(window 100)"

echo "== reloads under traffic"
"$haproxy_sh" reload --name example-sidecar | tail -n 1
"$haproxy_sh" reload --name example-sidecar | tail -n 1
check "runtime weight of v2 survives the reloads" "50 (initial 10)" "$(api example-sidecar 'get weight inventory/v2')"
wait_status v1 UP 10 && wait_status v2 UP 10
api example-sidecar 'set server inventory/v1 weight 0' >/dev/null
check_between "v2 share at weights 0/100" 100 100 "$(window 60)"
api example-sidecar 'set server inventory/v1 weight 50' >/dev/null

echo "== retries and ejection: v2 starts answering 500"
api example-upstreams "add acl $run/faults.acl v2" >/dev/null
requests 60 >"$run/fault.codes"
check "every request succeeds while v2 fails (retried on v1)" "60" "$(grep -c '^200$' "$run/fault.codes" || true)"
check "v2 is ejected (marked DOWN by observed errors and checks)" DOWN "$(stat v2 status)"
check_between "retries the sidecar made (show stat wretr)" 1 1000 "$(stat BACKEND wretr)"
api example-upstreams "clear acl $run/faults.acl" >/dev/null
wait_status v2 UP 10 || true
check "v2 returns once its health checks pass again" UP "$(stat v2 status)"

touch "$run/stop-bg"
wait "$bg_pid" || true
bg_pid=""
bg_total=$(wc -l <"$run/bg.codes")
check "background client: every one of its $bg_total requests got 200" "$bg_total" "$(grep -c '^200$' "$run/bg.codes" || true)"
check "foreground client: every request got 200" "$(wc -l <"$run/fg.codes")" "$(grep -c '^200$' "$run/fg.codes" || true)"

echo "== Prometheus exporter"
metrics=$(curl -s --max-time 5 http://127.0.0.1:18405/metrics)
check "/metrics has per-server status" yes "$(grep -q '^haproxy_server_status{proxy="inventory",server="v2",state="UP"} 1' <<<"$metrics" && echo yes || echo no)"
check "/metrics has per-backend response counters" yes "$(grep -q '^haproxy_backend_http_responses_total{proxy="inventory",code="2xx"} [1-9]' <<<"$metrics" && echo yes || echo no)"
check "monitor-uri answers" 200 "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18405/healthz)"

echo "== memory (RSS, MiB: master + worker)"
"$haproxy_sh" status --name example-sidecar | sed -n 1p
"$haproxy_sh" status --name example-upstreams | sed -n 1p

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
