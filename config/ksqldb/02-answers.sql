-- ksqlDB: one answer per request id, from the completions stream of 01-streams.sql.
--
-- Needs ksqlDB 0.25+ (Confluent Platform 7.2+): EARLIEST_BY_OFFSET over a STRUCT came with 0.25; older
-- servers reject the statement. docker-compose.yml pins cp-ksqldb-server 7.9.0 (ksqlDB 0.29 line). Run after
-- 01-streams.sql, one statement per REST request (docker/ksqldb/run-statements.sh); not run on the project's
-- build machine, which has no Docker.
--
-- Why from the completions topic and not from the chunks: the connector already joins each completed
-- invocation's chunks into one completion record, so every request costs ksqlDB one small aggregate update.
-- (Assembling the text from the chunks in ksqlDB needs COLLECT_LIST per invocation, which rewrites the whole
-- list on every chunk: quadratic in the chunk count, and one row nearing the 1 MB record limit stops the
-- query for every request.) This needs output.completions.topic on the connector; without it, use the Kafka
-- Streams ChunkAssembler (io.bedrockstream.streams), which assembles from the chunks with bounded state.
--
-- Size bound: an answer row is one completion record plus under 100 bytes of ksqlDB's own wrapping (the
-- aggregate's state adds a sequence number; the row drops the value's request_id). The connector never writes
-- a completion larger than its output producer's max.request.size (a larger one is dead-lettered as
-- OutputRefused), and config/bedrock-sink-demo.json sets that to 1,000,000 bytes, leaving 48,576 bytes below
-- the 1 MiB (1,048,576 bytes) that ksqlDB's producer and the broker's default record limit allow. A connector
-- writing completions up to 1 MiB needs ksqlDB's producer limit (ksql.streams.producer.max.request.size) and
-- the topics' max.message.bytes raised to match; otherwise, with ksqlDB's default
-- ksql.fail.on.production.error=true, the query stops at the first such answer.
--
-- The table keeps one row per request id for good (no retention): it is for demos and dashboards.

SET 'auto.offset.reset' = 'earliest';

-- The first completion of each request, all of its fields from the same record.
--   SELECT request_id, answer->text, answer->attempts FROM bedrock_answers EMIT CHANGES;
--   SELECT request_id, answer->tool_calls[1]->name, answer->reasoning FROM bedrock_answers EMIT CHANGES;
--   SELECT * FROM bedrock_answers WHERE request_id = 'req-1';       -- a pull query
CREATE TABLE IF NOT EXISTS bedrock_answers
  WITH (KAFKA_TOPIC = 'ksql-bedrock-answers', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON') AS
  SELECT
    request_id,
    EARLIEST_BY_OFFSET(STRUCT(
      invocation_id         := invocation_id,
      model_id              := model_id,
      attempts              := attempts,
      text                  := text,
      stop_reason           := stop_reason,
      input_tokens          := input_tokens,
      output_tokens         := output_tokens,
      first_byte_latency_ms := first_byte_latency_ms,
      invocation_latency_ms := invocation_latency_ms,
      source_topic          := source_topic,
      source_partition      := source_partition,
      source_offset         := source_offset,
      reasoning             := reasoning,
      reasoning_signature   := reasoning_signature,
      tool_calls            := tool_calls,
      cache_read_input_tokens  := cache_read_input_tokens,
      cache_write_input_tokens := cache_write_input_tokens,
      latency_ms            := latency_ms,
      service_tier          := service_tier)) AS answer
  FROM bedrock_completions
  GROUP BY request_id
  EMIT CHANGES;
