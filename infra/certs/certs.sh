#!/usr/bin/env bash
# Makes the labs' throwaway PKI with openssl: a local certificate authority
# and per-service certificates whose identity is a SPIFFE ID in the URI SAN
# (spiffe://commlab/<service>), plus the bad certificates the mTLS tests need
# (expired, from another CA). Output goes to .run/certs (gitignored); no
# private key is ever committed. See README.md.
#
#   certs.sh [options] ca | issue SERVICE... | expired SERVICE... |
#            foreign SERVICE... | show SERVICE|FILE | verify SERVICE... | clean
#
# Environment: CERTS_DIR (<repo>/.run/certs), CERTS_HOURS (24),
# CERTS_CA_DAYS (30), CERTS_TRUST_DOMAIN (commlab), CERTS_KEY_MODE (600).
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd -- "$here/../.." && pwd)
# Messages, argument errors, clean-up on exit, the command dispatch.
# shellcheck source=../lib/server.sh
. "$here/../lib/server.sh"

settings "CERTS_DIR=$repo/.run/certs" \
  CERTS_HOURS=24 \
  CERTS_CA_DAYS=30 \
  CERTS_TRUST_DOMAIN=commlab \
  CERTS_KEY_MODE=600

usage() {
  cat <<EOF
usage: $prog [options] <command> [service...]

  ca                 make the CA (ca.crt, ca.key) if there is none or it has expired;
                     --force makes a new one (every certificate must then be re-issued)
  issue SERVICE...   a new key and certificate per service: <service>.crt, .key, .pem;
                     running it again rotates them (new key, new serial)
  expired SERVICE... a certificate for SERVICE from the same CA that expired an hour ago
                     (expired/<service>.*)
  foreign SERVICE... a certificate for SERVICE, valid, but from another CA
                     (foreign/<service>.*, foreign/ca.crt)
  show SERVICE|FILE  subject, identities (SANs), validity, issuer, fingerprint
  verify SERVICE...  check each certificate against ca.crt (chain, dates, SPIFFE ID)
  clean              delete $CERTS_DIR

options:
  --dir DIR          output folder (default \$CERTS_DIR, else <repo>/.run/certs)
  --hours N          certificate lifetime in hours (default \$CERTS_HOURS, else 24)
  --dns NAME         one more DNS SAN on the certificates issued by this run (repeatable)
  --force            with 'ca': replace the CA even if it is still valid

Service names are lowercase letters, digits and '-' (they become the SPIFFE path,
a DNS name and file names). Current: dir=$CERTS_DIR hours=$CERTS_HOURS
EOF
}

# ------------------------------------------------------------ arguments

force=""
extra_dns=()
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --dir)
      [ $# -ge 2 ] || usage_error "--dir needs a folder"
      CERTS_DIR=$2
      shift 2
      ;;
    --hours)
      [ $# -ge 2 ] || usage_error "--hours needs a number"
      CERTS_HOURS=$2
      shift 2
      ;;
    --dns)
      [ $# -ge 2 ] || usage_error "--dns needs a name"
      case $2 in '' | *[!A-Za-z0-9.-]*) usage_error "--dns: '$2' is not a DNS name" ;; esac
      extra_dns+=("$2")
      shift 2
      ;;
    --force)
      force=1
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    -*) usage_error "unknown option '$1'" ;;
    *)
      args+=("$1")
      shift
      ;;
  esac
done
set -- "${args[@]+"${args[@]}"}"

case $CERTS_HOURS in '' | *[!0-9]* | 0) usage_error "the lifetime in hours must be a whole number above 0, got '$CERTS_HOURS'" ;; esac
case $CERTS_CA_DAYS in '' | *[!0-9]* | 0) usage_error "CERTS_CA_DAYS must be a whole number above 0, got '$CERTS_CA_DAYS'" ;; esac
case $CERTS_KEY_MODE in 600 | 640 | 644) ;; *) usage_error "CERTS_KEY_MODE must be 600, 640 or 644, got '$CERTS_KEY_MODE'" ;; esac
case $CERTS_TRUST_DOMAIN in '' | *[!a-z0-9.-]*) usage_error "CERTS_TRUST_DOMAIN must be lowercase letters, digits, '.' and '-', got '$CERTS_TRUST_DOMAIN'" ;; esac

check_service() {
  case $1 in
    '' | -* | *- | *[!a-z0-9-]*) usage_error "'$1' is not a service name (lowercase letters, digits and '-', not at either end)" ;;
  esac
}

check_services() { # <command> <service>...: at least one, each a valid name
  local cmd=$1 svc
  shift
  [ $# -gt 0 ] || usage_error "$cmd: name at least one service"
  for svc in "$@"; do check_service "$svc"; done
}

command -v openssl >/dev/null 2>&1 || die "openssl not found:
  Debian/Ubuntu: sudo apt-get install openssl"

ca_dir=$CERTS_DIR/.ca # openssl ca's bookkeeping: index, serial, config
ca_crt=$CERTS_DIR/ca.crt
ca_key=$CERTS_DIR/ca.key
foreign_dir=$CERTS_DIR/foreign

# The folder a key and certificate are made in before they are renamed into
# place; removed if a run stops half-way.
scratch=""
# shellcheck disable=SC2016 # expanded when the hook runs
at_exit 'if [ -n "$scratch" ]; then rm -rf "$scratch"; fi'

# ------------------------------------------------------------- helpers

# UTC time <seconds from now> in the form openssl ca -startdate/-enddate
# takes; GNU date first, BSD/macOS date second.
stamp() {
  local t=$(($(date +%s) + $1))
  date -u -d "@$t" +%Y%m%d%H%M%SZ 2>/dev/null || date -u -r "$t" +%Y%m%d%H%M%SZ
}

# ssl <what it makes> <openssl args...>: openssl, whose messages are shown
# only when it fails.
ssl() {
  local what=$1
  shift
  openssl "$@" 2>"$scratch/err" || {
    cat "$scratch/err" >&2
    die "openssl could not $what"
  }
}

# swap_in <scratch file>=<target>...: renames each file made in the scratch
# folder into place, in the order given, then drops the scratch folder.
swap_in() {
  local pair
  for pair in "$@"; do mv "$scratch/${pair%%=*}" "${pair#*=}"; done
  rm -rf "$scratch"
  scratch=""
}

# new_key <file>: a P-256 key, readable by its owner only (CERTS_KEY_MODE
# loosens that for containers that run as another user).
new_key() {
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null) ||
    die "openssl could not make a key ($1)"
}

# make_ca <dir> <common name>: a self-signed CA in <dir> (ca.crt, ca.key) and
# the openssl ca bookkeeping in <dir>/.ca.
make_ca() {
  local dir=$1 cn=$2
  mkdir -p "$dir/.ca/newcerts"
  scratch=$(mktemp -d "$dir/.new-ca.XXXXXX")
  new_key "$scratch/ca.key"
  # pathlen:0: this CA signs leaf certificates only.
  ssl "make the CA in $dir" req -x509 -new -key "$scratch/ca.key" -sha256 -days "$CERTS_CA_DAYS" \
    -subj "/O=commlab/CN=$cn" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" \
    -out "$scratch/ca.crt"
  : >"$dir/.ca/index.txt"
  echo "unique_subject = no" >"$dir/.ca/index.txt.attr" # re-issuing a service is rotation
  openssl rand -hex 16 >"$dir/.ca/serial"
  chmod "$CERTS_KEY_MODE" "$scratch/ca.key"
  swap_in ca.key="$dir/ca.key" ca.crt="$dir/ca.crt"
}

# The openssl ca config: no policy beyond "there is a CN", dates and
# extensions come from the command line and the per-certificate file.
write_ca_config() { # <dir>
  cat >"$1/.ca/openssl.cnf" <<EOF
[ ca ]
default_ca = commlab
[ commlab ]
dir = $1
database = \$dir/.ca/index.txt
new_certs_dir = \$dir/.ca/newcerts
serial = \$dir/.ca/serial
certificate = \$dir/ca.crt
private_key = \$dir/ca.key
default_md = sha256
policy = any_cn
email_in_dn = no
copy_extensions = none
[ any_cn ]
organizationName = optional
commonName = supplied
EOF
}

# ca_valid_for <crt> <seconds>: the CA is still valid that long from now.
ca_valid_for() { openssl x509 -in "$1" -noout -checkend "$2" >/dev/null 2>&1; }

ensure_ca() {
  local leaf_seconds=$((CERTS_HOURS * 3600))
  if [ -f "$ca_crt" ] && [ -f "$ca_key" ] && [ -f "$ca_dir/index.txt" ]; then
    if ca_valid_for "$ca_crt" "$leaf_seconds"; then
      write_ca_config "$CERTS_DIR"
      return 0
    fi
    say "the CA in $CERTS_DIR expires within ${CERTS_HOURS}h ($(openssl x509 -in "$ca_crt" -noout -enddate | cut -d= -f2)); making a new one."
    say "  Certificates signed by the old CA no longer verify: re-issue them ($prog issue SERVICE...)."
  elif [ -f "$ca_crt" ] || [ -f "$ca_key" ]; then
    die "$CERTS_DIR has an incomplete CA (ca.crt, ca.key and .ca/index.txt must all exist); run '$prog clean' or '$prog ca --force'"
  fi
  make_ca "$CERTS_DIR" "commlab lab CA"
  write_ca_config "$CERTS_DIR"
  say "CA: $ca_crt (valid ${CERTS_CA_DAYS} days)"
}

# sign <ca dir> <service> <out dir> <start offset s> <end offset s>: a new
# key and a certificate for <service> signed by the CA in <ca dir>. The files
# are swapped in key first, certificate second, the combined .pem last, each
# by rename, so that a service reloading on a change of its .crt or .pem never
# reads a half-written file or a certificate without its key.
sign() {
  local ca=$1 svc=$2 out=$3 from=$4 to=$5 san
  mkdir -p "$out"
  scratch=$(mktemp -d "$out/.new-$svc.XXXXXX")
  new_key "$scratch/key"
  ssl "make a request for $svc" req -new -key "$scratch/key" -subj "/O=commlab/CN=$svc" -out "$scratch/csr"
  # Exactly one URI SAN, as an X.509-SVID requires; the DNS and IP names let
  # plain TLS clients (curl, HAProxy, Node) check the host name too.
  san="URI:spiffe://$CERTS_TRUST_DOMAIN/$svc,DNS:$svc,DNS:localhost,IP:127.0.0.1,IP:0:0:0:0:0:0:0:1"
  local name
  for name in "${extra_dns[@]+"${extra_dns[@]}"}"; do san+=",DNS:$name"; done
  # digitalSignature only: the keys are EC, so TLS uses them to sign
  # (ECDHE), never to encrypt. Both EKUs: in mTLS each side is server to
  # one peer and client to another.
  cat >"$scratch/ext" <<EOF
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $san
EOF
  ssl "sign the certificate for $svc" ca -batch -notext -config "$ca/.ca/openssl.cnf" -in "$scratch/csr" \
    -startdate "$(stamp "$from")" -enddate "$(stamp "$to")" \
    -extfile "$scratch/ext" -extensions leaf -out "$scratch/crt"
  cat "$scratch/crt" "$scratch/key" >"$scratch/pem"
  chmod "$CERTS_KEY_MODE" "$scratch/key" "$scratch/pem"
  chmod 644 "$scratch/crt"
  swap_in key="$out/$svc.key" crt="$out/$svc.crt" pem="$out/$svc.pem"
}

describe() { # <crt>
  openssl x509 -in "$1" -noout -subject -issuer -serial -startdate -enddate \
    -ext subjectAltName -fingerprint -sha256 2>/dev/null |
    sed -e 's/^notBefore=/not before: /' -e 's/^notAfter=/not after:  /' \
      -e 's/^subject=/subject: /' -e 's/^issuer=/issuer:  /' -e 's/^serial=/serial:  /' \
      -e '/X509v3 Subject Alternative Name/d' -e 's/^ *\(URI:.*\)/SANs:    \1/'
}

spiffe_id() { # <crt>: the URI SAN
  openssl x509 -in "$1" -noout -ext subjectAltName 2>/dev/null | tr ',' '\n' | sed -n 's/^ *URI://p' | head -n 1
}

# -------------------------------------------------------------- commands

do_issue() {
  local svc
  check_services issue "$@"
  ensure_ca
  for svc in "$@"; do
    local rotated=""
    [ -f "$CERTS_DIR/$svc.crt" ] && rotated=" (rotated: new key and serial)"
    sign "$CERTS_DIR" "$svc" "$CERTS_DIR" 0 $((CERTS_HOURS * 3600))
    say "$svc: $CERTS_DIR/$svc.{crt,key,pem}  spiffe://$CERTS_TRUST_DOMAIN/$svc, ${CERTS_HOURS}h$rotated"
  done
}

do_expired() {
  local svc
  check_services expired "$@"
  ensure_ca
  for svc in "$@"; do
    # Valid from two days ago until one hour ago: expired, but otherwise a
    # perfect certificate, so a refusal can only be about the dates.
    sign "$CERTS_DIR" "$svc" "$CERTS_DIR/expired" $((-48 * 3600)) -3600
    say "$svc (expired): $CERTS_DIR/expired/$svc.{crt,key,pem}  not after $(openssl x509 -in "$CERTS_DIR/expired/$svc.crt" -noout -enddate | cut -d= -f2)"
  done
}

do_foreign() {
  local svc
  check_services foreign "$@"
  if ! { [ -f "$foreign_dir/ca.crt" ] && ca_valid_for "$foreign_dir/ca.crt" $((CERTS_HOURS * 3600)); }; then
    make_ca "$foreign_dir" "commlab foreign CA (not trusted by the labs)"
    say "foreign CA: $foreign_dir/ca.crt"
  fi
  write_ca_config "$foreign_dir"
  for svc in "$@"; do
    sign "$foreign_dir" "$svc" "$foreign_dir" 0 $((CERTS_HOURS * 3600))
    say "$svc (foreign CA): $foreign_dir/$svc.{crt,key,pem}  spiffe://$CERTS_TRUST_DOMAIN/$svc"
  done
}

resolve_crt() { # <service|file>
  if [ -f "$1" ]; then
    echo "$1"
  elif [ -f "$CERTS_DIR/$1" ]; then
    echo "$CERTS_DIR/$1"
  elif [ -f "$CERTS_DIR/$1.crt" ]; then
    echo "$CERTS_DIR/$1.crt"
  elif [ "$1" = ca ] && [ -f "$ca_crt" ]; then
    echo "$ca_crt"
  else
    die "no certificate '$1': neither a file nor $CERTS_DIR/$1.crt (run '$prog issue $1')"
  fi
}

do_show() {
  [ $# -eq 1 ] || usage_error "show: name one service or certificate file"
  describe "$(resolve_crt "$1")"
}

do_verify() {
  [ $# -gt 0 ] || usage_error "verify: name at least one service"
  [ -f "$ca_crt" ] || die "no CA in $CERTS_DIR (run '$prog issue SERVICE...' first)"
  local svc crt bad=0 id why
  for svc in "$@"; do
    crt=$(resolve_crt "$svc")
    if openssl verify -CAfile "$ca_crt" -purpose sslclient "$crt" >/dev/null 2>&1 &&
      openssl verify -CAfile "$ca_crt" -purpose sslserver "$crt" >/dev/null 2>&1; then
      id=$(spiffe_id "$crt")
      say "$svc: OK, $id, not after $(openssl x509 -in "$crt" -noout -enddate | cut -d= -f2)"
    else
      why=$(openssl verify -CAfile "$ca_crt" "$crt" 2>&1 | grep -m1 -E 'error|fail' || true)
      say "$svc: FAILED: ${why:-does not verify as a TLS client and server certificate}"
      bad=1
    fi
  done
  return "$bad"
}

do_clean() {
  # Refuse to wipe anything that does not look like our output folder.
  if [ -d "$CERTS_DIR" ]; then
    [ -d "$ca_dir" ] || [ -z "$(ls -A "$CERTS_DIR")" ] ||
      die "$CERTS_DIR does not look like a certs.sh folder (no .ca/); not deleting it"
    rm -rf "$CERTS_DIR"
    say "deleted $CERTS_DIR"
  else
    say "nothing to delete ($CERTS_DIR)"
  fi
}

do_ca() {
  [ $# -eq 0 ] || usage_error "ca takes no service names"
  if [ -n "$force" ] && [ -f "$ca_crt" ]; then
    rm -f "$ca_crt" "$ca_key"
    rm -rf "$ca_dir"
    say "replacing the CA; re-issue every certificate afterwards"
  fi
  ensure_ca
  describe "$ca_crt"
}

commands=(ca issue expired foreign show verify clean)
# "rotate" is another word for issue (which rotates what exists).
if [ "${1:-}" = rotate ]; then set -- issue "${@:2}"; fi
serve "$@"
