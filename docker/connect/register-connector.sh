#!/bin/sh
# Creates or updates a connector from a JSON file of its flat config (which includes "name"), once the
# Connect worker's REST API answers. PUT /connectors/<name>/config is create-or-update, so re-running is safe.
set -eu

CONNECT_URL="${CONNECT_URL:-http://connect:8083}"
CONFIG_FILE="${1:-/config/bedrock-sink-demo.json}"
NAME="$(sed -n 's/^[[:space:]]*"name"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$CONFIG_FILE" | head -n 1)"
[ -n "$NAME" ] || { echo "no \"name\" in $CONFIG_FILE" >&2; exit 1; }

echo "Waiting for the Connect REST API at $CONNECT_URL ..."
tries=0
until curl -sf -o /dev/null "$CONNECT_URL/connector-plugins"; do
  tries=$((tries + 1))
  if [ "$tries" -ge 90 ]; then
    echo "Connect REST API did not answer within 180 s" >&2
    exit 1
  fi
  sleep 2
done

if ! curl -sf "$CONNECT_URL/connector-plugins" | grep -q 'io.bedrockstream.connect.BedrockSinkConnector'; then
  echo "The worker has no io.bedrockstream.connect.BedrockSinkConnector: build the plugin first" \
       "(mvn package, which unpacks it into target/plugin/kafka-connect-bedrock-stream/)" >&2
  exit 1
fi

# The worker answers 409 while it rebalances right after start-up: try again for a while.
tries=0
while :; do
  status="$(curl -s -o /tmp/response.json -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
            --data @"$CONFIG_FILE" "$CONNECT_URL/connectors/$NAME/config")"
  case "$status" in
    200|201) echo "Connector $NAME registered (HTTP $status)"; break ;;
    409|500|503) ;;
    *) echo "Registering $NAME failed with HTTP $status:" >&2; cat /tmp/response.json >&2; exit 1 ;;
  esac
  tries=$((tries + 1))
  if [ "$tries" -ge 30 ]; then
    echo "Registering $NAME still failed with HTTP $status after 60 s:" >&2
    cat /tmp/response.json >&2
    exit 1
  fi
  sleep 2
done

curl -s "$CONNECT_URL/connectors/$NAME/status"
echo
