-- ksqlDB: streams over the connector's two output topics.
--
-- Written for ksqlDB 0.29 / Confluent Platform 7.9 (docker-compose.yml pins cp-ksqldb-server 7.9.0);
-- 02-answers.sql needs ksqlDB 0.25+ (Confluent Platform 7.2+). Run by docker-compose's ksqldb-init service
-- (docker/ksqldb/run-statements.sh: one statement per REST request, each response checked) and by the docker
-- test tier (ComposeStackDockerIT); not run on the project's build machine, which has no Docker.
--
-- Both streams read bare JSON values: the connector's default output.value.converter (LeanJsonConverter:
-- bare JSON, absent fields read as NULL) writes them, as does JsonConverter with
-- output.value.converter.schemas.enable=false (config/bedrock-sink-demo.json sets it; ConfigExamplesTest checks
-- it). With the JsonConverter's default (schemas.enable=true) every value is {"schema": ..., "payload": ...},
-- none of the columns below is found at the top level, every column reads null, and the answers table of
-- 02-answers.sql stays empty without any error. For that format see the envelope variant at the end.
-- Keys are the request id as a UTF-8 string (StringConverter), i.e. KEY_FORMAT 'KAFKA'. ksqlDB matches JSON
-- field names case-insensitively, so the snake_case fields map onto these columns.

SET 'auto.offset.reset' = 'earliest';

-- Every chunk and terminal record (output.topic): the tokens as they stream, and the terminals' usage.
-- A plain stream: ksqlDB keeps no state for it.
--   SELECT request_id, seq, text FROM bedrock_chunks WHERE event = 'chunk' EMIT CHANGES;
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
  block_index            INT,           -- v2, bedrock.api=converse: the delta's content block
  delta_type             VARCHAR,       -- v2: text | tool_use | reasoning | reasoning_signature | reasoning_redacted | citation
  tool_use_id            VARCHAR,       -- v2: tool_use deltas
  tool_name              VARCHAR,       -- v2: tool_use deltas
  deltas                 INT            -- chunk: merged chunks, with output.chunk.coalesce.ms on
) WITH (
  KAFKA_TOPIC  = 'bedrock-chunks',
  KEY_FORMAT   = 'KAFKA',
  VALUE_FORMAT = 'JSON'
);

-- One record per completed request (output.completions.topic): the whole text of the invocation that
-- completed, with its usage. The connector writes it once the request's chunks and complete terminal are
-- written; a request run again after a restart may have a second one (02-answers.sql keeps the first).
-- The key column is named request_id (the value's own request_id field is the same string and is not
-- declared), so that 02-answers.sql groups by the key and ksqlDB needs no repartition topic.
CREATE STREAM IF NOT EXISTS bedrock_completions (
  request_id             VARCHAR KEY,
  invocation_id          VARCHAR,       -- the invocation that completed
  model_id               VARCHAR,
  attempts               INT,           -- invocations it took, retries included
  text                   VARCHAR,       -- the whole answer
  stop_reason            VARCHAR,
  input_tokens           BIGINT,
  output_tokens          BIGINT,
  first_byte_latency_ms  BIGINT,
  invocation_latency_ms  BIGINT,
  source_topic           VARCHAR,
  source_partition       INT,
  source_offset          BIGINT,
  -- v2, ConverseStream requests only (null for InvokeModel):
  reasoning              VARCHAR,       -- the reasoning (thinking) text
  reasoning_signature    VARCHAR,       -- its signature, to send the reasoning back on the next turn
  tool_calls             ARRAY<STRUCT<tool_use_id VARCHAR, name VARCHAR, input VARCHAR>>,  -- input: the tool's JSON
  cache_read_input_tokens  BIGINT,
  cache_write_input_tokens BIGINT,
  latency_ms             BIGINT,        -- Bedrock's own latency figure (metadata event)
  service_tier           VARCHAR
) WITH (
  KAFKA_TOPIC  = 'bedrock-completions',
  KEY_FORMAT   = 'KAFKA',
  VALUE_FORMAT = 'JSON'
);

-- Variant (not run): a connector that keeps the JsonConverter's schema envelope
-- (output.value.converter.schemas.enable=true) needs the payload declared as a struct, e.g. for completions:
--
--   CREATE STREAM bedrock_completions_enveloped (
--     request_id VARCHAR KEY,
--     payload STRUCT<invocation_id VARCHAR, model_id VARCHAR, attempts INT, text VARCHAR,
--                    stop_reason VARCHAR, input_tokens BIGINT, output_tokens BIGINT,
--                    first_byte_latency_ms BIGINT, invocation_latency_ms BIGINT, source_topic VARCHAR,
--                    source_partition INT, source_offset BIGINT>
--   ) WITH (KAFKA_TOPIC = 'bedrock-completions', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON');
--
-- and every query then reads payload->text and so on. The envelope repeats the schema in every record; bare
-- JSON is the better choice for ksqlDB.
--
-- Variant (not run): with Schema Registry converters (output.value.converter=io.confluent.connect.avro.
-- AvroConverter, io.confluent.connect.json.JsonSchemaConverter or io.confluent.connect.protobuf.
-- ProtobufConverter, plus output.value.converter.schema.registry.url), ksqlDB takes the value columns from the
-- registered schema and only the key column is declared, with VALUE_FORMAT 'AVRO', 'JSON_SR' or 'PROTOBUF':
--
--   CREATE STREAM bedrock_completions (request_id VARCHAR KEY)
--     WITH (KAFKA_TOPIC = 'bedrock-completions', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'AVRO');
