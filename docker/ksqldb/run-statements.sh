#!/bin/sh
# Runs ksqlDB statement files through the server's REST API (POST /ksql), ONE statement per request, and
# stops at the first statement the server does not accept, naming it and quoting the server's answer; then
# checks that every stream and table the files create exists and that no persistent query has failed.
#
#   KSQL_URL=http://ksqldb-server:8088 sh run-statements.sh 01-streams.sql 02-answers.sql
#
# Why not `ksql --file`: the CLI exits 0 even when the server rejects a statement, and it sends a file's
# statements as one request, so that one bad statement creates none of them while the set-up looks done.
#
# Statements end with ';' outside quotes and comments; '--' and '/* */' comments are dropped, trailing blanks
# and blank lines too. SET 'key' = 'value' and UNSET 'key' are not sent: like the CLI, the script passes the
# properties set so far in the file as each later request's streamsProperties. A CREATE ... IF NOT EXISTS of
# an object that exists is answered with a warning, which counts as done (the script can run again).
# io.bedrockstream.docker.KsqlStatements splits files the same way; KsqlSetupScriptTest runs this script
# against a fake ksqlDB and checks that both send the same requests.
#
# Needs sh, awk, grep, mktemp and curl (busybox's are enough: docker-compose runs it on curlimages/curl).
set -eu

KSQL_URL="${KSQL_URL:-http://ksqldb-server:8088}"
WAIT_TRIES="${KSQL_WAIT_TRIES:-60}"    # 2 s apart: the server's health check
CHECK_TRIES="${KSQL_CHECK_TRIES:-15}"  # 2 s apart: the objects created
[ "$#" -gt 0 ] || { echo "usage: KSQL_URL=http://host:8088 $0 FILE.sql..." >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
TAB="$(printf '\t')"

fail() {
  echo "ksqlDB set-up FAILED: $*" >&2
  exit 1
}

# Splits one file into statements; prints per statement: NAME<tab>SUMMARY<tab>JSON request body, where NAME is
# the stream or table a CREATE makes (upper case, unquoted names only) or "-", and SUMMARY the statement on one
# line, cut to 120 characters.
SPLIT='
function finish(   lines, m, k, line, out, flat, up, rest, name, key, val, props, p) {
  m = split(buf, lines, "\n")
  out = ""
  for (k = 1; k <= m; k++) {
    line = lines[k]
    sub(/[ \t\r]+$/, "", line)
    if (line ~ /^[ \t]*$/) continue
    out = (out == "") ? line : out "\n" line
  }
  buf = ""
  sub(/^[ \t]+/, "", out)
  flat = out
  gsub(/[ \t\n]+/, " ", flat)
  up = toupper(flat)
  if (flat == ";") return
  if (up ~ /^SET '"'"'/ && match(flat, /'"'"'[^'"'"']*'"'"'/)) {
    key = substr(flat, RSTART + 1, RLENGTH - 2)
    rest = substr(flat, RSTART + RLENGTH)
    if (rest ~ /^ ?= ?'"'"'[^'"'"']*'"'"' ?;$/ && match(rest, /'"'"'[^'"'"']*'"'"'/)) {
      setprop(key, substr(rest, RSTART + 1, RLENGTH - 2))
      return
    }
  }
  if (up ~ /^UNSET '"'"'[^'"'"']*'"'"' ?;$/ && match(flat, /'"'"'[^'"'"']*'"'"'/)) {
    unsetprop(substr(flat, RSTART + 1, RLENGTH - 2))
    return
  }
  name = "-"
  if (up ~ /^CREATE /) {
    rest = substr(up, 8)
    sub(/^OR REPLACE /, "", rest)
    sub(/^SOURCE /, "", rest)
    if (rest ~ /^(STREAM|TABLE) /) {
      sub(/^(STREAM|TABLE) /, "", rest)
      sub(/^IF NOT EXISTS /, "", rest)
      if (match(rest, /^[A-Z_][A-Z0-9_]*/)) name = substr(rest, 1, RLENGTH)
    }
  }
  props = ""
  for (p = 1; p <= nprops; p++) {
    if (!(p in pkeys)) continue
    props = props (props == "" ? "" : ",") json(pkeys[p]) ":" json(pvals[p])
  }
  printf "%s\t%s\t{\"ksql\":%s,\"streamsProperties\":{%s}}\n", name, substr(flat, 1, 120), json(out), props
}
function setprop(key, val,   p) {
  for (p = 1; p <= nprops; p++) if ((p in pkeys) && pkeys[p] == key) { pvals[p] = val; return }
  nprops++
  pkeys[nprops] = key
  pvals[nprops] = val
}
function unsetprop(key,   p) {
  for (p = 1; p <= nprops; p++) if ((p in pkeys) && pkeys[p] == key) { delete pkeys[p]; delete pvals[p] }
}
function json(s,   out, k, n, c) {
  out = ""
  n = length(s)
  for (k = 1; k <= n; k++) {
    c = substr(s, k, 1)
    if (c == "\\") out = out "\\\\"
    else if (c == "\"") out = out "\\\""
    else if (c == "\n") out = out "\\n"
    else if (c == "\t") out = out "\\t"
    else if (c == "\r") out = out "\\r"
    else out = out c
  }
  return "\"" out "\""
}
BEGIN { state = "n"; buf = ""; nprops = 0 }
{
  line = $0
  n = length(line)
  i = 1
  while (i <= n) {
    c = substr(line, i, 1)
    d = substr(line, i, 2)
    if (state == "n") {
      if (d == "--") break
      if (d == "/*") { state = "b"; buf = buf " "; i += 2; continue }
      buf = buf c
      if (c == "'"'"'") state = "q"
      else if (c == "`") state = "t"
      else if (c == ";") finish()
    } else if (state == "b") {
      if (d == "*/") { state = "n"; i += 2; continue }
    } else if (state == "q") {
      buf = buf c
      if (c == "'"'"'") state = "n"
    } else {
      buf = buf c
      if (c == "`") state = "n"
    }
    i++
  }
  if (state != "b") buf = buf "\n"
}
END {
  if (state != "n") { print "unterminated quote or comment at the end of " FILENAME > "/dev/stderr"; exit 1 }
  if (buf !~ /^[ \t\r\n]*$/) { print "a statement without its closing ; at the end of " FILENAME > "/dev/stderr"; exit 1 }
}'

# POSTs the JSON body in file $1 to /ksql; the answer goes to $work/response.json, the HTTP status to stdout.
post() {
  rm -f "$work/response.json" # never judge a request by the answer to the one before
  curl -sS -o "$work/response.json" -w '%{http_code}' --max-time 120 -X POST \
    -H 'Content-Type: application/vnd.ksql.v1+json; charset=utf-8' -H 'Accept: application/vnd.ksql.v1+json' \
    --data-binary @"$1" "$KSQL_URL/ksql" || true
}

# Runs one statement without properties (LIST/SHOW); the answer is left in $work/$2.
query() {
  printf '{"ksql":"%s","streamsProperties":{}%s}' "$1" "$(after)" > "$work/request.json"
  status="$(post "$work/request.json")"
  [ "$status" = 200 ] || fail "'$1' answered HTTP $status: $(cat "$work/response.json" 2>/dev/null)"
  mv "$work/response.json" "$work/$2"
}

has() {
  grep -q "$1" "$work/response.json"
}

# The sequence number of the last command ksqlDB queued, sent with the next request so that the server runs
# that request only after the command has executed (as the CLI does): a statement must see the streams the
# statements before it created, even when creating them took longer than the server waits before answering.
sequence=""
after() {
  [ -z "$sequence" ] || printf ',"commandSequenceNumber":%s' "$sequence"
}
remember_sequence() {
  n="$(sed -n 's/.*"commandSequenceNumber" *: *\([0-9][0-9]*\).*/\1/p' "$work/response.json" | head -n 1)"
  [ -z "$n" ] || sequence="$n"
}

echo "Waiting for ksqlDB at $KSQL_URL ..."
tries=0
until curl -sf -o /dev/null --max-time 5 "$KSQL_URL/healthcheck"; do
  tries=$((tries + 1))
  [ "$tries" -lt "$WAIT_TRIES" ] || fail "no healthy ksqlDB at $KSQL_URL/healthcheck"
  sleep 2
done

created=""
count=0
for file in "$@"; do
  [ -r "$file" ] || fail "cannot read $file"
  awk "$SPLIT" "$file" > "$work/statements" || fail "cannot split $file into statements"
  while IFS="$TAB" read -r name summary body; do
    count=$((count + 1))
    printf '%s%s}' "${body%\}}" "$(after)" > "$work/request.json"
    status="$(post "$work/request.json")"
    where="statement $count ($file): $summary"
    touch "$work/response.json"
    if has '"@type" *: *"statement_error"' || has '"error_code"'; then
      fail "ksqlDB rejected $where
  ksqlDB answered (HTTP $status): $(cat "$work/response.json")"
    elif [ "$status" != 200 ]; then
      fail "HTTP $status for $where
  ksqlDB answered: $(cat "$work/response.json")"
    elif has '"@type" *: *"currentStatus"'; then
      if has '"status" *: *"SUCCESS"'; then
        echo "ok      $summary"
      elif has '"status" *: *"ERROR"'; then
        fail "ksqlDB could not execute $where
  ksqlDB answered: $(cat "$work/response.json")"
      else
        echo "queued  $summary   (its object is checked below)"
      fi
    elif has '"@type" *: *"warning_entity"' && has 'already exists'; then
      echo "exists  $summary"
    else
      fail "unexpected answer to $where
  ksqlDB answered: $(cat "$work/response.json")"
    fi
    remember_sequence
    [ "$name" = "-" ] || created="$created $name"
  done < "$work/statements"
done
[ "$count" -gt 0 ] || fail "no statements in $*"

# Every stream and table created above exists, and no persistent query failed (a statement still queued
# above is executed by now, or after a few more seconds).
tries=0
while :; do
  query 'LIST STREAMS;' streams.json
  query 'LIST TABLES;' tables.json
  missing=""
  for name in $created; do
    grep -q "\"name\" *: *\"$name\"" "$work/streams.json" "$work/tables.json" || missing="$missing $name"
  done
  [ -n "$missing" ] || break
  tries=$((tries + 1))
  [ "$tries" -lt "$CHECK_TRIES" ] || fail "after $count statements, these streams or tables do not exist:$missing"
  sleep 2
done
query 'SHOW QUERIES;' queries.json
if grep -q -E '"state" *: *"ERROR"|"ERROR" *: *[1-9]' "$work/queries.json"; then
  fail "a persistent query is in state ERROR: $(cat "$work/queries.json")"
fi
echo "ksqlDB set-up done: $count statements; streams and tables:$created"
