#!/usr/bin/env bash
# End-to-end proof of log-based CDC with the project's own servers: starts the
# shared Kafka (infra/kafka), the logical PostgreSQL cluster
# (infra/postgres-logical) and Kafka Connect with Debezium (this folder) if
# they are not running; creates an outbox table; registers a Debezium
# PostgreSQL connector with the outbox event router; inserts one event row and
# reads it from its Kafka topic with kafka-console-consumer. Cleans up what it
# created (connector and its offsets, slot, publication, table, topic) and
# leaves the servers running. Exits 1 with the reason if any step fails.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
infra=$(cd -- "$here/.." && pwd)
kafka_sh=$infra/kafka/kafka.sh
pg_sh=$infra/postgres-logical/pg-logical.sh
connect_sh=$here/kafka-connect.sh

CONNECT_PORT=${CONNECT_PORT:-8083}
PG_LOGICAL_PORT=${PG_LOGICAL_PORT:-5433}
KAFKA_BROKERS=${KAFKA_BROKERS:-127.0.0.1:9092}
connect=http://127.0.0.1:$CONNECT_PORT
name=commlab-smoke-outbox
table=commlab_smoke_outbox
slot=commlab_smoke
topic=commlab-smoke.order

step() { printf '== %s\n' "$*"; }
fail() {
  printf 'smoke.sh: FAILED: %s\n' "$*" >&2
  exit 1
}
sql() { "$pg_sh" psql -q -A -t -v ON_ERROR_STOP=1 -c "$1"; }
rest() { # <method> <path> [json body]: prints the body; fails on a non-2xx status
  local out code
  out=$(curl -sS --max-time 30 -X "$1" -H 'content-type: application/json' ${3:+--data "$3"} \
    -w '\n%{http_code}' "$connect$2") || return 1
  code=${out##*$'\n'}
  printf '%s\n' "${out%$'\n'*}"
  case $code in 2??) return 0 ;; *) return 1 ;; esac
}

cleanup() {
  # Stop the connector, forget its offsets (KIP-875), then delete it, so
  # that the next run starts from nothing; then what it made in PostgreSQL
  # and Kafka. Each step may find nothing to do.
  rest PUT "/connectors/$name/stop" >/dev/null 2>&1 || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    rest GET "/connectors/$name/status" 2>/dev/null | grep -q '"state":"STOPPED"' && break
    sleep 0.5
  done
  rest DELETE "/connectors/$name/offsets" >/dev/null 2>&1 || true
  rest DELETE "/connectors/$name" >/dev/null 2>&1 || true
  sql "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = '$slot' and not active" >/dev/null 2>&1 || true
  sql "drop publication if exists $slot; drop table if exists $table" >/dev/null 2>&1 || true
  "$connect_sh" topics --bootstrap-server "$KAFKA_BROKERS" --delete --if-exists --topic "$topic" >/dev/null 2>&1 || true
}

step "servers"
"$kafka_sh" start | tail -n 1
"$pg_sh" start | tail -n 1
"$connect_sh" start | tail -n 1
cleanup # leftovers of an interrupted run
trap cleanup EXIT

step "outbox table in the logical cluster"
# The columns Debezium's outbox event router reads by default.
sql "create table $table (
  id uuid primary key,
  aggregatetype text not null,
  aggregateid text not null,
  type text not null,
  payload jsonb not null)"
echo "created public.$table"

step "register the Debezium connector with the outbox event router"
config=$(
  cat <<EOF
{
  "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
  "plugin.name": "pgoutput",
  "database.hostname": "127.0.0.1",
  "database.port": "$PG_LOGICAL_PORT",
  "database.user": "postgres",
  "database.password": "unused-trust-auth",
  "database.dbname": "postgres",
  "topic.prefix": "commlab-smoke",
  "table.include.list": "public.$table",
  "slot.name": "$slot",
  "slot.drop.on.stop": "true",
  "publication.name": "$slot",
  "publication.autocreate.mode": "filtered",
  "snapshot.mode": "no_data",
  "tombstones.on.delete": "false",
  "transforms": "outbox",
  "transforms.outbox.type": "io.debezium.transforms.outbox.EventRouter",
  "transforms.outbox.route.topic.replacement": "commlab-smoke.\${routedByValue}",
  "transforms.outbox.table.fields.additional.placement": "type:header:eventType",
  "key.converter": "org.apache.kafka.connect.storage.StringConverter",
  "value.converter": "org.apache.kafka.connect.storage.StringConverter",
  "topic.creation.default.replication.factor": "1",
  "topic.creation.default.partitions": "1"
}
EOF
)
rest PUT "/connectors/$name/config" "$config" >/dev/null || fail "Kafka Connect refused the connector config: $(rest PUT "/connectors/$name/config" "$config" 2>&1 || true)"
# RUNNING task + active slot: from here on every committed row is captured
# (snapshot.mode=no_data: rows committed before the slot existed are not).
t0=$(date +%s)
until rest GET "/connectors/$name/status" 2>/dev/null | grep -q '"tasks":\[{"id":0,"state":"RUNNING"' &&
  [ "$(sql "select count(*) from pg_replication_slots where slot_name = '$slot' and active")" = 1 ]; do
  if rest GET "/connectors/$name/status" 2>/dev/null | grep -q '"state":"FAILED"'; then
    fail "the connector failed: $(rest GET "/connectors/$name/status" 2>&1 | head -c 2000)"
  fi
  [ $(($(date +%s) - t0)) -lt 60 ] || fail "the connector was not streaming after 60 s: $(rest GET "/connectors/$name/status" 2>&1 | head -c 1000)"
  sleep 0.5
done
echo "connector $name RUNNING, replication slot $slot active ($(($(date +%s) - t0)) s)"

step "insert one outbox row"
event_id=$(cat /proc/sys/kernel/random/uuid 2>/dev/null || uuidgen | tr '[:upper:]' '[:lower:]')
order_id="order-$$-$(date +%s)"
sql "insert into $table (id, aggregatetype, aggregateid, type, payload)
     values ('$event_id', 'order', '$order_id', 'commlab.order.placed.v1',
             '{\"orderId\": \"$order_id\", \"total\": 42}')"
echo "inserted event $event_id for $order_id"

step "read it from Kafka topic $topic (kafka-console-consumer)"
t0=$(date +%s)
message=$("$connect_sh" console-consumer --bootstrap-server "$KAFKA_BROKERS" --topic "$topic" \
  --from-beginning --max-messages 1 --timeout-ms 60000 \
  --formatter-property print.key=true --formatter-property print.headers=true \
  --formatter-property key.separator=' | ' --formatter-property headers.separator=',' 2>/dev/null) ||
  fail "no message on $topic within 60 s (connector status: $(rest GET "/connectors/$name/status" 2>&1 | head -c 1000))"
echo "$message"
echo "(received $(($(date +%s) - t0)) s after the insert)"

case $message in *"id:$event_id"*) ;; *) fail "the message has no header id:$event_id" ;; esac
case $message in *"eventType:commlab.order.placed.v1"*) ;; *) fail "the message has no eventType header" ;; esac
case $message in *" | $order_id | "*) ;; *) fail "the message key is not $order_id" ;; esac
case $message in *'"orderId": "'"$order_id"'"'* | *'"orderId":"'"$order_id"'"'*) ;; *) fail "the payload is not the inserted one" ;; esac
echo "ok: key = aggregate id, headers id and eventType, value = the payload column"
