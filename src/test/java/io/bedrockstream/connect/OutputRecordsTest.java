package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bedrockstream.bedrock.InvocationResult;
import io.bedrockstream.engine.EventType;
import io.bedrockstream.engine.OutputEvent;
import io.bedrockstream.engine.RequestOutcome;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.request.ModelRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class OutputRecordsTest {
    static final List<String> CHUNK_FIELDS = List.of(
            "request_id",
            "invocation_id",
            "attempt",
            "seq",
            "event",
            "model_id",
            "text",
            "chunk",
            "stop_reason",
            "input_tokens",
            "output_tokens",
            "first_byte_latency_ms",
            "invocation_latency_ms",
            "error_type",
            "error_message",
            "original_status_code",
            "original_message",
            "retrying",
            "source_topic",
            "source_partition",
            "source_offset",
            "block_index",
            "delta_type",
            "tool_use_id",
            "tool_name",
            "cache_read_input_tokens",
            "cache_write_input_tokens",
            "latency_ms",
            "service_tier",
            "guardrail_trace",
            "deltas");
    static final List<String> COMPLETION_FIELDS = List.of(
            "request_id",
            "invocation_id",
            "model_id",
            "attempts",
            "text",
            "stop_reason",
            "input_tokens",
            "output_tokens",
            "first_byte_latency_ms",
            "invocation_latency_ms",
            "source_topic",
            "source_partition",
            "source_offset",
            "reasoning",
            "reasoning_signature",
            "tool_calls",
            "cache_read_input_tokens",
            "cache_write_input_tokens",
            "latency_ms",
            "service_tier");
    static final String MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";
    static final ObjectMapper JSON = new ObjectMapper();

    static final OutputEvent CHUNK = new OutputEvent(
            "req-1",
            "inv-2",
            2,
            0,
            EventType.CHUNK,
            MODEL,
            "Hel",
            "{\"type\":\"content_block_delta\",\"delta\":{\"text\":\"Hel\"}}",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            "requests",
            3,
            42L);
    static final OutputEvent COMPLETE = new OutputEvent(
            "req-1",
            "inv-2",
            2,
            5,
            EventType.COMPLETE,
            MODEL,
            null,
            null,
            "end_turn",
            12L,
            34L,
            210L,
            980L,
            null,
            null,
            null,
            null,
            null,
            "requests",
            3,
            42L);
    static final OutputEvent ERROR = new OutputEvent(
            "req-1",
            "inv-1",
            1,
            2,
            EventType.ERROR,
            MODEL,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            "modelStreamErrorException",
            "The model stream failed",
            500,
            "upstream boom",
            true,
            "requests",
            3,
            42L);

    static JsonConverter converter(boolean schemas) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", Boolean.toString(schemas)), false);
        return c;
    }

    @Test
    void chunkSchemaHasExactlyTheContractFields() {
        assertThat(OutputRecords.CHUNK_SCHEMA.name()).isEqualTo("io.bedrockstream.ChunkRecord");
        assertThat(OutputRecords.CHUNK_SCHEMA.version()).isEqualTo(2);
        assertThat(OutputRecords.CHUNK_SCHEMA.fields())
                .extracting(f -> f.name())
                .containsExactlyElementsOf(CHUNK_FIELDS);
        assertThat(OutputRecords.COMPLETION_SCHEMA.name()).isEqualTo("io.bedrockstream.Completion");
        assertThat(OutputRecords.COMPLETION_SCHEMA.fields())
                .extracting(f -> f.name())
                .containsExactlyElementsOf(COMPLETION_FIELDS);
    }

    @Test
    void roundTripsThroughJsonConverterWithSchemas() {
        JsonConverter c = converter(true);
        for (OutputEvent e : List.of(CHUNK, COMPLETE, ERROR)) {
            Struct s = OutputRecords.toStruct(e, true);
            SchemaAndValue back = c.toConnectData("out", c.fromConnectData("out", s.schema(), s));
            assertThat(back.schema()).isEqualTo(OutputRecords.CHUNK_SCHEMA);
            assertThat(back.value()).isEqualTo(s);
        }
    }

    @Test
    void chunkJsonWithoutSchemasHasExactlyTheSnakeCaseFields() throws Exception {
        byte[] bytes = converter(false)
                .fromConnectData("out", OutputRecords.CHUNK_SCHEMA, OutputRecords.toStruct(CHUNK, true));
        JsonNode node = JSON.readTree(bytes);
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyElementsOf(CHUNK_FIELDS);
        assertThat(node.get("request_id").asText()).isEqualTo("req-1");
        assertThat(node.get("invocation_id").asText()).isEqualTo("inv-2");
        assertThat(node.get("attempt").asInt()).isEqualTo(2);
        assertThat(node.get("seq").asLong()).isZero();
        assertThat(node.get("event").asText()).isEqualTo("chunk");
        assertThat(node.get("text").asText()).isEqualTo("Hel");
        assertThat(node.get("chunk").asText())
                .isEqualTo("{\"type\":\"content_block_delta\",\"delta\":{\"text\":\"Hel\"}}");
        assertThat(node.get("stop_reason").isNull()).isTrue();
        assertThat(node.get("source_topic").asText()).isEqualTo("requests");
        assertThat(node.get("source_partition").asInt()).isEqualTo(3);
        assertThat(node.get("source_offset").asLong()).isEqualTo(42);
    }

    @Test
    void aCoalescedChunkSaysHowManyDeltasItHoldsAndLaterChunksLeaveTheContextOut() throws Exception {
        OutputEvent merged = new OutputEvent(
                "req-1",
                "inv-2",
                2,
                3,
                EventType.CHUNK,
                MODEL,
                "Hello",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "requests",
                3,
                42L,
                null,
                null,
                4);
        JsonNode n = JSON.readTree(converter(false)
                .fromConnectData("out", OutputRecords.CHUNK_SCHEMA, OutputRecords.toStruct(merged, false, false)));
        assertThat(n.get("deltas").asInt()).isEqualTo(4);
        assertThat(n.get("seq").asLong()).isEqualTo(3);
        assertThat(n.get("text").asText()).isEqualTo("Hello");
        assertThat(n.get("model_id").isNull()).isTrue();
        assertThat(n.get("source_offset").isNull()).isTrue();
        JsonNode terminal = JSON.readTree(converter(false)
                .fromConnectData("out", OutputRecords.CHUNK_SCHEMA, OutputRecords.toStruct(COMPLETE, false, false)));
        assertThat(terminal.get("model_id").asText()).isEqualTo(MODEL);
        assertThat(terminal.get("source_offset").asLong()).isEqualTo(42);
        assertThat(terminal.get("deltas").isNull()).isTrue();
    }

    @Test
    void terminalRecordsCarryTheirFields() throws Exception {
        JsonNode complete = JSON.readTree(converter(false)
                .fromConnectData("out", OutputRecords.CHUNK_SCHEMA, OutputRecords.toStruct(COMPLETE, true)));
        assertThat(complete.get("event").asText()).isEqualTo("complete");
        assertThat(complete.get("seq").asLong()).isEqualTo(5);
        assertThat(complete.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(complete.get("input_tokens").asLong()).isEqualTo(12);
        assertThat(complete.get("output_tokens").asLong()).isEqualTo(34);
        assertThat(complete.get("first_byte_latency_ms").asLong()).isEqualTo(210);
        assertThat(complete.get("invocation_latency_ms").asLong()).isEqualTo(980);

        JsonNode error = JSON.readTree(converter(false)
                .fromConnectData("out", OutputRecords.CHUNK_SCHEMA, OutputRecords.toStruct(ERROR, true)));
        assertThat(error.get("event").asText()).isEqualTo("error");
        assertThat(error.get("error_type").asText()).isEqualTo("modelStreamErrorException");
        assertThat(error.get("error_message").asText()).isEqualTo("The model stream failed");
        assertThat(error.get("original_status_code").asInt()).isEqualTo(500);
        assertThat(error.get("original_message").asText()).isEqualTo("upstream boom");
        assertThat(error.get("retrying").asBoolean()).isTrue();
    }

    @Test
    void rawChunkCanBeLeftOut() {
        assertThat(OutputRecords.toStruct(CHUNK, false).getString("chunk")).isNull();
        assertThat(OutputRecords.toStruct(CHUNK, false).getString("text")).isEqualTo("Hel");
    }

    @Test
    void completionCarriesTheCompletedInvocation() throws Exception {
        ModelRequest request = new ModelRequest(
                "req-1",
                MODEL,
                ModelFamily.ANTHROPIC,
                new byte[0],
                "application/json",
                "application/json",
                null,
                null,
                null,
                null,
                "requests",
                3,
                42L);
        RequestOutcome outcome = new RequestOutcome(
                request,
                2,
                List.of("inv-1", "inv-2"),
                "Hello there",
                new InvocationResult("end_turn", 12L, 34L, 210L, 980L, 5),
                null);
        Struct s = OutputRecords.toCompletionStruct(outcome);

        JsonConverter c = converter(true);
        assertThat(c.toConnectData("c", c.fromConnectData("c", s.schema(), s)).value())
                .isEqualTo(s);

        JsonNode node = JSON.readTree(converter(false).fromConnectData("c", s.schema(), s));
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyElementsOf(COMPLETION_FIELDS);
        assertThat(node.get("invocation_id").asText()).isEqualTo("inv-2");
        assertThat(node.get("attempts").asInt()).isEqualTo(2);
        assertThat(node.get("text").asText()).isEqualTo("Hello there");
        assertThat(node.get("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(node.get("output_tokens").asLong()).isEqualTo(34);
        assertThat(node.get("source_offset").asLong()).isEqualTo(42);
    }

    @Test
    void converseRecordsCarryTheVersion2FieldsAndVersion1FieldsAreUnchanged() throws Exception {
        OutputEvent delta = new OutputEvent(
                "req-1",
                "inv-2",
                1,
                3,
                EventType.CHUNK,
                MODEL,
                null,
                "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"{\\\"a\\\":\"}}}",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "requests",
                3,
                42L,
                new io.bedrockstream.model.ContentDelta(2, "tool_use", "tu_1", "get_weather", "{\"a\":"),
                null,
                null);
        JsonNode d = JSON.readTree(converter(false)
                .fromConnectData("out", OutputRecords.CHUNK_SCHEMA, OutputRecords.toStruct(delta, true)));
        assertThat(d.get("block_index").asInt()).isEqualTo(2);
        assertThat(d.get("delta_type").asText()).isEqualTo("tool_use");
        assertThat(d.get("tool_use_id").asText()).isEqualTo("tu_1");
        assertThat(d.get("tool_name").asText()).isEqualTo("get_weather");
        assertThat(d.get("text").isNull()).isTrue();

        OutputEvent complete = new OutputEvent(
                "req-1",
                "inv-2",
                1,
                4,
                EventType.COMPLETE,
                MODEL,
                null,
                null,
                "guardrail_intervened",
                12L,
                34L,
                null,
                980L,
                null,
                null,
                null,
                null,
                null,
                "requests",
                3,
                42L,
                null,
                new io.bedrockstream.model.ConverseUsage(5L, 7L, 980L, "priority", "{\"inputAssessment\":{}}"),
                null);
        JsonNode c = JSON.readTree(converter(false)
                .fromConnectData("out", OutputRecords.CHUNK_SCHEMA, OutputRecords.toStruct(complete, true)));
        assertThat(c.get("cache_read_input_tokens").asLong()).isEqualTo(5);
        assertThat(c.get("cache_write_input_tokens").asLong()).isEqualTo(7);
        assertThat(c.get("latency_ms").asLong()).isEqualTo(980);
        assertThat(c.get("service_tier").asText()).isEqualTo("priority");
        assertThat(c.get("guardrail_trace").asText()).contains("inputAssessment");

        // a version-1 reader: every field it knows is there with the same meaning; the new ones are null
        JsonNode v1 = JSON.readTree(converter(false)
                .fromConnectData("out", OutputRecords.CHUNK_SCHEMA, OutputRecords.toStruct(COMPLETE, true)));
        assertThat(CHUNK_FIELDS.subList(0, 21))
                .allSatisfy(f -> assertThat(v1.has(f)).isTrue());
        assertThat(CHUNK_FIELDS.subList(21, CHUNK_FIELDS.size()))
                .allSatisfy(f -> assertThat(v1.get(f).isNull()).isTrue());
        assertThat(OutputRecords.CHUNK_SCHEMA.fields().subList(21, CHUNK_FIELDS.size()))
                .allSatisfy(f -> assertThat(f.schema().isOptional()).isTrue());
    }

    @Test
    void theAssemblersChunkRecordWritesAndReadsTheSchemasFieldsByTheirNames() throws Exception {
        io.bedrockstream.streams.ChunkRecord r = io.bedrockstream.streams.ChunkRecord.chunk(
                "req-1", "inv-1", 1, 0, MODEL, "Hi", null, "requests", 3, 42L);
        JsonNode written = JSON.readTree(
                new io.bedrockstream.streams.ChunkRecordSerde().serializer().serialize("t", r));
        List<String> names = new java.util.ArrayList<>();
        written.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyElementsOf(CHUNK_FIELDS);
        assertThat(OutputRecords.CHUNK_SCHEMA.fields())
                .extracting(f -> f.name())
                .containsExactlyElementsOf(names);
    }

    @Test
    void aConverseCompletionCarriesReasoningAndToolCalls() throws Exception {
        ModelRequest request = new ModelRequest(
                "req-1",
                MODEL,
                null,
                new byte[0],
                null,
                null,
                null,
                null,
                null,
                null,
                "requests",
                3,
                42L,
                null,
                io.bedrockstream.request.BedrockApi.CONVERSE,
                null,
                null,
                null);
        RequestOutcome outcome = new RequestOutcome(
                request,
                1,
                List.of("inv-1"),
                "Let me check.",
                new InvocationResult(
                        "tool_use",
                        12L,
                        34L,
                        null,
                        980L,
                        5,
                        new io.bedrockstream.model.ConverseUsage(5L, null, 980L, null, null)),
                null,
                new io.bedrockstream.engine.ConverseAnswer(
                        "Thinking.",
                        "SIG",
                        List.of(),
                        List.of(new io.bedrockstream.engine.ConverseAnswer.ToolCall(
                                "tu_1", "get_weather", "{\"city\":\"Paris\"}"))));
        Struct s = OutputRecords.toCompletionStruct(outcome);
        JsonConverter conv = converter(true);
        assertThat(conv.toConnectData("c", conv.fromConnectData("c", s.schema(), s))
                        .value())
                .isEqualTo(s);
        JsonNode node = JSON.readTree(converter(false).fromConnectData("c", s.schema(), s));
        assertThat(node.get("reasoning").asText()).isEqualTo("Thinking.");
        assertThat(node.get("reasoning_signature").asText()).isEqualTo("SIG");
        assertThat(node.at("/tool_calls/0/name").asText()).isEqualTo("get_weather");
        assertThat(JSON.readTree(node.at("/tool_calls/0/input").asText())
                        .get("city")
                        .asText())
                .isEqualTo("Paris");
        assertThat(node.get("cache_read_input_tokens").asLong()).isEqualTo(5);
    }

    @Test
    void failedOutcomeHasNoCompletion() {
        ModelRequest request = new ModelRequest(
                "req-1",
                MODEL,
                ModelFamily.ANTHROPIC,
                new byte[0],
                "application/json",
                "application/json",
                null,
                null,
                null,
                null,
                "requests",
                3,
                42L);
        RequestOutcome failed = new RequestOutcome(
                request,
                1,
                List.of("inv-1"),
                null,
                null,
                new io.bedrockstream.bedrock.InvocationFailure(
                        io.bedrockstream.bedrock.ErrorKind.INVALID_REQUEST,
                        "ValidationException",
                        "bad",
                        400,
                        null,
                        null,
                        0));
        assertThatThrownBy(() -> OutputRecords.toCompletionStruct(failed)).isInstanceOf(IllegalArgumentException.class);
    }
}
