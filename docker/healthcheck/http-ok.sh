#!/bin/bash
# A container health check: exits 0 when GET http://HOST:PORT/PATH answers 200 within 5 seconds, else 1.
#
#   bash http-ok.sh localhost 8083 /health
#
# Written for bash alone, with its /dev/tcp redirection, because the images it runs in have no HTTP client:
# apache/kafka (Connect and the emulator) has neither curl nor wget; bash is there, the Kafka scripts need it.
# HTTP/1.1 with "Connection: close"; only the status line is read.
set -u
host="${1:?usage: http-ok.sh HOST PORT PATH}"
port="${2:?usage: http-ok.sh HOST PORT PATH}"
path="${3:-/}"

exec 3<>"/dev/tcp/$host/$port" || exit 1
printf 'GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$path" "$host" "$port" >&3
IFS= read -r -t 5 status <&3 || { echo "no answer from $host:$port$path"; exit 1; }
exec 3<&-
case "$status" in
  "HTTP/1."?" 200"*) exit 0 ;;
  *) echo "$host:$port$path answered: ${status%$'\r'}"; exit 1 ;;
esac
