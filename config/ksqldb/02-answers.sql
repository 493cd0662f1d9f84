-- ksqlDB: whole answers assembled from the chunk stream of 01-streams.sql, plus a stream of completions.
--
-- NOT EXECUTED HERE. Written for ksqlDB 0.29 / Confluent Platform 7.x (cp-ksqldb-server 7.9) and checked by
-- hand against ksqlDB's grammar and function reference; no ksqlDB server could be run where it was written.
-- Run it after 01-streams.sql:  ksql --file /ksqldb/sql/02-answers.sql http://ksqldb-server:8088
--
-- How an answer is assembled, in three steps:
--   1. bedrock_invocations       per invocation id: every chunk as '<seq as 19 digits>:<text>' (so sorting
--                                the strings sorts by seq, and a redelivered chunk is an exact duplicate),
--                                the terminal's seq and usage, and whether it failed.
--   2. bedrock_invocation_answers the invocations that ended 'complete' and have all chunks 0..k-1:
--                                FILTER nulls, ARRAY_DISTINCT duplicates, ARRAY_SORT by seq, TRANSFORM to cut
--                                the seq prefix off, ARRAY_JOIN into one text.
--   3. bedrock_answers           one answer per request id: the first invocation that became complete in
--                                step 2. A request that was run again after a connector restart has a second
--                                complete invocation; EARLIEST_BY_OFFSET keeps the first to arrive (step 2 is
--                                keyed by invocation id, so two invocations finishing at nearly the same time
--                                may arrive in either order; either is a whole, valid answer).
--
-- Limits: COLLECT_LIST keeps at most ksql.functions.collect_list.limit values (docker-compose.yml raises it
-- to 10000; an invocation with more chunks never shows up in step 2). These tables keep their state for
-- good; they are for demos and dashboards. io.bedrockstream.streams.ChunkAssembler (Kafka Streams) does the
-- same job with bounded state (idle invocations and old request ids expire).

SET 'auto.offset.reset' = 'earliest';

-- 1. Everything known of each invocation.
CREATE TABLE IF NOT EXISTS bedrock_invocations
  WITH (KAFKA_TOPIC = 'ksql-bedrock-invocations', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON') AS
  SELECT
    invocation_id,
    LATEST_BY_OFFSET(request_id)        AS request_id,
    LATEST_BY_OFFSET(model_id)          AS model_id,
    LATEST_BY_OFFSET(attempt)           AS attempt,
    COLLECT_LIST(CASE WHEN event = 'chunk'
                      THEN CONCAT(LPAD(CAST(seq AS VARCHAR), 19, '0'), ':',
                                  -- Converse reasoning text is not part of the answer
                                  COALESCE(CASE WHEN delta_type IS NULL OR delta_type = 'text' THEN text END, ''))
                 END)                   AS parts,
    -- LATEST_BY_OFFSET ignores nulls, so these keep the terminal's values whatever follows it
    LATEST_BY_OFFSET(CASE WHEN event = 'complete' THEN seq END) AS complete_seq,
    SUM(CASE WHEN event = 'error' THEN 1 ELSE 0 END)            AS error_count,
    LATEST_BY_OFFSET(stop_reason)       AS stop_reason,
    LATEST_BY_OFFSET(input_tokens)      AS input_tokens,
    LATEST_BY_OFFSET(output_tokens)     AS output_tokens,
    LATEST_BY_OFFSET(source_topic)      AS source_topic,
    LATEST_BY_OFFSET(source_partition)  AS source_partition,
    LATEST_BY_OFFSET(source_offset)     AS source_offset
  FROM bedrock_chunks
  GROUP BY invocation_id
  EMIT CHANGES;

-- 2. Complete invocations with every chunk, their text joined in seq order.
CREATE TABLE IF NOT EXISTS bedrock_invocation_answers
  WITH (KAFKA_TOPIC = 'ksql-bedrock-invocation-answers', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON') AS
  SELECT
    invocation_id,
    request_id,
    model_id,
    attempt,
    ARRAY_JOIN(
      TRANSFORM(ARRAY_SORT(ARRAY_DISTINCT(FILTER(parts, p => p IS NOT NULL))), p => SUBSTRING(p, 21)),
      '')                               AS text,
    stop_reason,
    input_tokens,
    output_tokens,
    complete_seq                        AS chunk_count,
    source_topic,
    source_partition,
    source_offset
  FROM bedrock_invocations
  WHERE complete_seq IS NOT NULL
    AND error_count = 0
    AND ARRAY_LENGTH(ARRAY_DISTINCT(FILTER(parts, p => p IS NOT NULL))) = complete_seq
  EMIT CHANGES;

-- 3. One answer per request id: the first complete invocation, all of its fields from the same row.
CREATE STREAM IF NOT EXISTS bedrock_invocation_answer_events (
  invocation_id     VARCHAR KEY,
  request_id        VARCHAR,
  model_id          VARCHAR,
  attempt           INT,
  text              VARCHAR,
  stop_reason       VARCHAR,
  input_tokens      BIGINT,
  output_tokens     BIGINT,
  chunk_count       BIGINT,
  source_topic      VARCHAR,
  source_partition  INT,
  source_offset     BIGINT
) WITH (
  KAFKA_TOPIC  = 'ksql-bedrock-invocation-answers',
  KEY_FORMAT   = 'KAFKA',
  VALUE_FORMAT = 'JSON'
);

CREATE TABLE IF NOT EXISTS bedrock_answers
  WITH (KAFKA_TOPIC = 'ksql-bedrock-answers', KEY_FORMAT = 'KAFKA', VALUE_FORMAT = 'JSON') AS
  SELECT
    request_id,
    EARLIEST_BY_OFFSET(STRUCT(
      invocation_id    := invocation_id,
      model_id         := model_id,
      attempt          := attempt,
      text             := text,
      stop_reason      := stop_reason,
      input_tokens     := input_tokens,
      output_tokens    := output_tokens,
      chunk_count      := chunk_count,
      source_topic     := source_topic,
      source_partition := source_partition,
      source_offset    := source_offset)) AS answer
  FROM bedrock_invocation_answer_events
  -- step 2's topic also carries tombstones (rows that do not, or not yet, pass its WHERE)
  WHERE request_id IS NOT NULL
  GROUP BY request_id
  EMIT CHANGES;
-- e.g.  SELECT request_id, answer->text, answer->attempt FROM bedrock_answers EMIT CHANGES;

-- Only the 'complete' terminals, with usage and latency: one row per successful invocation. With
-- at-least-once delivery a terminal can appear twice; group by invocation_id before summing usage.
CREATE STREAM IF NOT EXISTS bedrock_completions
  WITH (KAFKA_TOPIC = 'ksql-bedrock-completions', VALUE_FORMAT = 'JSON') AS
  SELECT
    request_key,
    request_id,
    invocation_id,
    attempt,
    model_id,
    seq AS chunk_count,
    stop_reason,
    input_tokens,
    output_tokens,
    first_byte_latency_ms,
    invocation_latency_ms,
    source_topic,
    source_partition,
    source_offset
  FROM bedrock_chunks
  WHERE event = 'complete'
  EMIT CHANGES;
