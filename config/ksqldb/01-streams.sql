-- ksqlDB: a stream over the connector's output topic (one record per chunk, one terminal per invocation).
--
-- NOT EXECUTED HERE. Written for ksqlDB 0.29 / Confluent Platform 7.x (cp-ksqldb-server 7.9) and checked by
-- hand against ksqlDB's grammar and function reference; no ksqlDB server could be run where it was written.
-- Run it with:  ksql --file /ksqldb/sql/01-streams.sql http://ksqldb-server:8088   (see docker-compose.yml)
--
-- Assumes the connector writes plain JSON values (the default LeanJsonConverter, or JsonConverter with
-- schemas.enable=false: the bare payload object; fields absent from a record read as NULL) and the request id as a UTF-8 string key (StringConverter), i.e. KEY_FORMAT 'KAFKA'.
-- ksqlDB matches JSON field names case-insensitively, so the snake_case fields map onto these columns.

SET 'auto.offset.reset' = 'earliest';

CREATE STREAM IF NOT EXISTS bedrock_chunks (
  request_key            VARCHAR KEY,   -- the record key, equal to request_id (a key column needs its own name)
  request_id             VARCHAR,
  invocation_id          VARCHAR,       -- one per attempt
  attempt                INT,
  seq                    BIGINT,        -- 0..k-1 for chunks, k for the terminal
  event                  VARCHAR,       -- 'chunk' | 'complete' | 'error'
  model_id               VARCHAR,       -- seq 0 and terminals (every record with output.chunk.context=true)
  text                   VARCHAR,       -- chunk: the text delta, null when the chunk carries none
  chunk                  VARCHAR,       -- chunk: the raw chunk JSON, when output.chunk.raw is on
  stop_reason            VARCHAR,       -- complete
  input_tokens           BIGINT,        -- complete
  output_tokens          BIGINT,        -- complete
  first_byte_latency_ms  BIGINT,        -- complete
  invocation_latency_ms  BIGINT,        -- complete
  error_type             VARCHAR,       -- error
  error_message          VARCHAR,       -- error
  original_status_code   INT,           -- error (modelStreamErrorException)
  original_message       VARCHAR,       -- error (modelStreamErrorException)
  retrying               BOOLEAN,       -- error: true when another attempt follows
  source_topic           VARCHAR,
  source_partition       INT,
  source_offset          BIGINT,        -- source_*: seq 0 and terminals, as model_id
  deltas                 INT            -- chunk: merged chunks, with output.chunk.coalesce.ms on
) WITH (
  KAFKA_TOPIC  = 'bedrock-chunks',
  KEY_FORMAT   = 'KAFKA',
  VALUE_FORMAT = 'JSON'
);

-- Variant: JsonConverter WITH schemas (output.value.converter.schemas.enable=true, Connect's default) wraps
-- each value as {"schema": {...}, "payload": {...}}. Read the payload as a struct, then flatten it:
--
-- CREATE STREAM IF NOT EXISTS bedrock_chunks_enveloped (
--   request_key VARCHAR KEY,
--   payload STRUCT<request_id VARCHAR, invocation_id VARCHAR, attempt INT, seq BIGINT, event VARCHAR,
--                  model_id VARCHAR, text VARCHAR, chunk VARCHAR, stop_reason VARCHAR, input_tokens BIGINT,
--                  output_tokens BIGINT, first_byte_latency_ms BIGINT, invocation_latency_ms BIGINT,
--                  error_type VARCHAR, error_message VARCHAR, original_status_code INT,
--                  original_message VARCHAR, retrying BOOLEAN, source_topic VARCHAR,
--                  source_partition INT, source_offset BIGINT>
-- ) WITH (KAFKA_TOPIC = 'bedrock-chunks', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON');
--
-- CREATE STREAM IF NOT EXISTS bedrock_chunks WITH (KAFKA_TOPIC = 'bedrock-chunks-flat', VALUE_FORMAT = 'JSON') AS
--   SELECT request_key,
--          payload->request_id AS request_id, payload->invocation_id AS invocation_id,
--          payload->attempt AS attempt, payload->seq AS seq, payload->event AS event,
--          payload->model_id AS model_id, payload->text AS text, payload->chunk AS chunk,
--          payload->stop_reason AS stop_reason, payload->input_tokens AS input_tokens,
--          payload->output_tokens AS output_tokens,
--          payload->first_byte_latency_ms AS first_byte_latency_ms,
--          payload->invocation_latency_ms AS invocation_latency_ms,
--          payload->error_type AS error_type, payload->error_message AS error_message,
--          payload->original_status_code AS original_status_code,
--          payload->original_message AS original_message, payload->retrying AS retrying,
--          payload->source_topic AS source_topic, payload->source_partition AS source_partition,
--          payload->source_offset AS source_offset
--   FROM bedrock_chunks_enveloped
--   EMIT CHANGES;
--
-- Variant: with Schema Registry converters (output.value.converter=io.confluent.connect.avro.AvroConverter,
-- io.confluent.connect.json.JsonSchemaConverter or io.confluent.connect.protobuf.ProtobufConverter, plus
-- output.value.converter.schema.registry.url), ksqlDB takes the value columns from the registered schema;
-- only the key column is declared. Use VALUE_FORMAT 'AVRO', 'JSON_SR' or 'PROTOBUF' to match:
--
-- CREATE STREAM IF NOT EXISTS bedrock_chunks (request_key VARCHAR KEY)
--   WITH (KAFKA_TOPIC = 'bedrock-chunks', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO');
--
-- The registered field names are lower-case (request_id, ...); if ksqlDB keeps them lower-case, quote them
-- in queries with back-ticks (`request_id`), or the statements in 02-answers.sql will not find them.
