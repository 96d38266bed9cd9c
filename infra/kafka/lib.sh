#!/usr/bin/env bash
# Shared by kafka.sh (one broker) and ../kafka-cluster/cluster.sh (three):
# the Java a Kafka version needs, and the readiness probes that speak the
# Kafka protocol from plain bash. Sourced, not run, after ../lib/server.sh
# (say, die, need_java, HOST: the address brokers listen on); the caller sets
# KAFKA_VERSION before calling need_kafka_java.
# shellcheck shell=bash

# Kafka 4 brokers need Java 17; 3.x brokers still run on 11.
need_kafka_java() {
  case $KAFKA_VERSION in
    3.*) need_java 11 "Kafka $KAFKA_VERSION" ;;
    *) need_java 17 "Kafka $KAFKA_VERSION" ;;
  esac
}

# --------------------------------------------------------------- the probe

# Reads exactly $1 bytes from fd 3 and prints them as decimal numbers. dd
# with bs=1 never reads ahead, so consecutive calls share the stream safely.
read_bytes() { dd bs=1 count="$1" <&3 2>/dev/null | od -An -v -tu1; }

# The readiness checks speak the Kafka protocol from plain bash: cheap enough
# to poll every half second, nothing to install, no JVM to start. They use the
# same (non-flexible) request versions kafkajs 2.2.4 uses, so a broker that
# stopped serving them would break the labs anyway. Each request starts with
# header v1: api_key, api_version, correlation_id 7, client_id "commlab".
REQ_METADATA_V6='\000\003\000\006\000\000\000\007\000\007commlab\000\000\000\000\000' # topics [], no auto-create
REQ_METADATA_V6_LEN=22
REQ_FIND_COORDINATOR_V2='\000\012\000\002\000\000\000\007\000\007commlab\000\007commlab\000' # group "commlab"
REQ_FIND_COORDINATOR_V2_LEN=27
REQ_LIST_GROUPS_V2='\000\020\000\002\000\000\000\007\000\007commlab'
REQ_LIST_GROUPS_V2_LEN=17
REQ_INIT_PRODUCER_ID_V1='\000\026\000\001\000\000\000\007\000\007commlab\377\377\000\000\352\140' # no transactional id, 60 s
REQ_INIT_PRODUCER_ID_V1_LEN=23

# kafka_call <port> <timeout s> <request> <request length> <max bytes>
# Sends one request to $HOST:<port> and prints (at most <max bytes> of) the
# response, as decimal bytes, correlation id first. Fails when nothing
# answers in time or the answer is not Kafka.
kafka_call() {
  local port=$1 timeout=$2 request=$3 length=$4 max=$5
  set -m
  (
    exec 3<>"/dev/tcp/$HOST/$port" || exit 1
    # shellcheck disable=SC2059 # the request is a printf escape string
    printf "\\000\\000\\$(printf '%03o' $((length >> 8)))\\$(printf '%03o' $((length & 255)))$request" >&3
    # shellcheck disable=SC2207 # word splitting of od's numbers is the point
    local -a b=($(read_bytes 4))
    [ "${#b[@]}" -eq 4 ] || exit 1
    local size=$(((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]))
    # A non-Kafka server answers with text ("HTTP/1.1 ...") = absurd size.
    [ "$size" -ge 8 ] && [ "$size" -le 16777216 ] || exit 1
    [ "$size" -le "$max" ] || size=$max
    # shellcheck disable=SC2207
    b=($(read_bytes "$size"))
    [ "${#b[@]}" -eq "$size" ] || exit 1
    [ "${b[0]}${b[1]}${b[2]}${b[3]}" = 0007 ] || exit 1 # our correlation id
    echo "${b[*]}"
  ) &
  local call=$!
  set +m
  # A server that accepts but never replies must not hang us. set -m above
  # gives the request its own process group, so the watchdog kills it with
  # the dd blocked inside; killing only the subshell would orphan that dd,
  # which would then hold our stdout/stderr open for ever (and hang anyone
  # reading our output to its end). The watchdog kills its own sleep when
  # cancelled and keeps off our stdout, or $(kafka_call) would wait for it.
  (
    trap 'kill "$nap" 2>/dev/null; exit 0' TERM
    sleep "$timeout" &
    nap=$!
    wait "$nap" && kill -TERM -- "-$call" 2>/dev/null
  ) >/dev/null 2>&1 &
  local watchdog=$!
  local rc=0
  wait "$call" 2>/dev/null || rc=$?
  kill "$watchdog" 2>/dev/null || true
  wait "$watchdog" 2>/dev/null || true
  return "$rc"
}

# metadata_probe <port> [timeout s]: prints "<live brokers> <cluster id>";
# fails if the port does not answer as Kafka. Fenced (still starting)
# brokers are not listed, so "0" means "Kafka, but not ready yet".
metadata_probe() {
  local reply
  reply=$(metadata_fields "$@") || return 1
  echo "${reply% *}"
}

# live_brokers <port> [timeout s]: the node ids of the live (unfenced) brokers
# the broker on <port> knows, comma-separated (empty: none yet).
live_brokers() {
  local reply
  reply=$(metadata_fields "$@") || return 1
  echo "${reply##* }"
}

# metadata_fields <port> [timeout s]: "<live brokers> <cluster id> <ids>",
# ids comma-separated ("-" when there are none).
metadata_fields() {
  local reply
  reply=$(kafka_call "$1" "${2:-3}" "$REQ_METADATA_V6" "$REQ_METADATA_V6_LEN" 65536) || return 1
  # shellcheck disable=SC2206
  local -a b=($reply)
  int16() { echo $(((b[$1] << 8) | b[$1 + 1])); }
  int32() { echo $(((b[$1] << 24) | (b[$1 + 1] << 16) | (b[$1 + 2] << 8) | b[$1 + 3])); }
  # correlation_id, throttle_time_ms, then the brokers array
  local brokers i off=12 len id="" c ids=""
  brokers=$(int32 8)
  [ "$brokers" -le 1000 ] || return 1
  for ((i = 0; i < brokers; i++)); do
    ids+=${ids:+,}$(int32 "$off")
    off=$((off + 4))                   # node_id
    off=$((off + 2 + $(int16 "$off"))) # host
    off=$((off + 4))                   # port
    len=$(int16 "$off")                # rack, nullable
    off=$((off + 2))
    [ "$len" -eq 65535 ] || off=$((off + len))
  done
  [ $((off + 2)) -le "${#b[@]}" ] || return 1
  len=$(int16 "$off") # cluster_id, nullable
  off=$((off + 2))
  if [ "$len" -ne 65535 ]; then
    for ((i = 0; i < len; i++)); do
      c=${b[off + i]:-63}
      id+=$(printf '%b' "\\$(printf '%03o' "$c")")
    done
  fi
  echo "$brokers ${id:-none} ${ids:--}"
}

# error_code of a FindCoordinator v2, ListGroups v2 or InitProducerId v1
# response: it follows the correlation id and throttle_time_ms.
response_error() { # <decimal bytes>
  # shellcheck disable=SC2206
  local -a b=($1)
  echo $(((b[8] << 8) | b[9]))
}

# coordinators_ready <port>: true once consumer groups and idempotent
# producers work. A broker is "up" seconds before that: FindCoordinator makes
# it create __consumer_offsets on a fresh cluster, ListGroups fails with
# COORDINATOR_LOAD_IN_PROGRESS until the offsets partitions are loaded, and
# InitProducerId fails the same way until the broker has a block of producer
# ids. Without this wait a test that starts Kafka and at once lists groups
# fails now and then, and every first producer logs kafkajs ERROR lines.
coordinators_ready() {
  local reply
  reply=$(kafka_call "$1" 2 "$REQ_FIND_COORDINATOR_V2" "$REQ_FIND_COORDINATOR_V2_LEN" 10) &&
    [ "$(response_error "$reply")" -eq 0 ] &&
    reply=$(kafka_call "$1" 2 "$REQ_LIST_GROUPS_V2" "$REQ_LIST_GROUPS_V2_LEN" 10) &&
    [ "$(response_error "$reply")" -eq 0 ] &&
    reply=$(kafka_call "$1" 2 "$REQ_INIT_PRODUCER_ID_V1" "$REQ_INIT_PRODUCER_ID_V1_LEN" 10) &&
    [ "$(response_error "$reply")" -eq 0 ]
}
