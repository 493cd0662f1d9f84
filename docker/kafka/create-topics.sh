#!/bin/sh
# Creates the demo's topics up front, so that ksqlDB can declare streams over them before the first
# request has been processed. Partitions: requests and chunks are keyed by request id.
set -eu
BOOTSTRAP="${BOOTSTRAP:-kafka:9092}"
create() {
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor 1
}
create bedrock-requests 3
create bedrock-chunks 3
create bedrock-completions 3
create bedrock-dlq 1
create bedrock-answers 3
/opt/kafka/bin/kafka-topics.sh --bootstrap-server "$BOOTSTRAP" --list
