package io.bedrockstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.streams.ConnectorRecords.Invocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkAssemblerTest {
    private static final String IN = "bedrock-chunks";
    private static final String OUT = "bedrock-answers";
    private static final ChunkAssembler.Options OPTIONS =
            new ChunkAssembler.Options(Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofMinutes(1));

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> input;
    private TestOutputTopic<String, AnswerRecord> output;

    private final Invocation first = new Invocation("req-1", "inv-1", 1);

    @BeforeEach
    void start() {
        Properties props = ChunkAssembler.streamsConfig("assembler-test", "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(
                ChunkAssembler.buildTopology(IN, OUT, OPTIONS), props, Instant.parse("2026-01-01T00:00:00Z"));
        input = driver.createInputTopic(IN, new StringSerializer(), new ByteArraySerializer());
        output = driver.createOutputTopic(OUT, new StringDeserializer(), new AnswerRecordSerde().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void assemblesChunksReceivedInOrder() {
        send(first.chunk(0, "Hel"), first.chunk(1, "lo"), first.chunk(2, " world"), first.complete(3));

        assertThat(output.readKeyValuesToList())
                .containsExactly(KeyValue.pair(
                        "req-1",
                        new AnswerRecord(
                                "req-1",
                                "inv-1",
                                Invocation.MODEL,
                                1,
                                "Hello world",
                                "end_turn",
                                12L,
                                3L,
                                3,
                                "bedrock-requests",
                                0,
                                42L)));
        assertBuffersEmpty();
    }

    @Test
    void ordersChunksBySeqWhateverTheArrivalOrder() {
        send(first.chunk(2, "c"), first.chunk(0, "a"), first.chunk(1, "b"));
        assertThat(output.isEmpty()).isTrue();

        send(first.complete(3));

        assertThat(texts()).containsExactly("abc");
    }

    @Test
    void waitsForEveryChunkWhenTheTerminalComesFirst() {
        send(first.complete(3), first.chunk(1, "b"), first.chunk(2, "c"));
        assertThat(output.isEmpty()).isTrue();

        send(first.chunk(0, "a"));

        List<AnswerRecord> answers = output.readValuesToList();
        assertThat(answers).extracting(AnswerRecord::text).containsExactly("abc");
        assertThat(answers.get(0).chunkCount()).isEqualTo(3);
        assertBuffersEmpty();
    }

    @Test
    void duplicatedChunksAndTerminalsGiveOneAnswerWithTextOnce() {
        send(
                first.chunk(0, "a"),
                first.chunk(0, "a"),
                first.chunk(1, "b"),
                first.chunk(1, "b"),
                first.complete(2),
                first.complete(2));
        // the whole invocation redelivered after the answer
        send(first.chunk(0, "a"), first.chunk(1, "b"), first.complete(2));

        assertThat(texts()).containsExactly("ab");
        assertBuffersEmpty();
    }

    @Test
    void failedAttemptThenSuccessfulRetryAnswersWithTheRetry() {
        Invocation retry = new Invocation("req-1", "inv-2", 2);
        send(first.chunk(0, "partial "), first.chunk(1, "answ"), first.error(2, true));
        assertThat(output.isEmpty()).isTrue();

        send(retry.chunk(0, "full "), retry.chunk(1, "answer"), retry.complete(2));

        List<AnswerRecord> answers = output.readValuesToList();
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).text()).isEqualTo("full answer");
        assertThat(answers.get(0).attempt()).isEqualTo(2);
        assertThat(answers.get(0).invocationId()).isEqualTo("inv-2");
        // only the failed attempt's marker is left, without chunks, until it expires
        assertThat(count(chunkStore())).isZero();
        assertThat(invocationStore().get("inv-1").hasFailed()).isTrue();
        assertThat(count(invocationStore())).isEqualTo(1);
    }

    @Test
    void failedForGoodGivesNoAnswerAndKeepsNoChunks() {
        send(first.chunk(0, "partial"), first.error(1, false));
        // a late duplicate of the failed attempt's chunk is not buffered again
        send(first.chunk(0, "partial"));

        assertThat(output.isEmpty()).isTrue();
        assertThat(count(chunkStore())).isZero();
        assertThat(invocationStore().get("inv-1").hasFailed()).isTrue();

        driver.advanceWallClockTime(Duration.ofMinutes(11));
        assertBuffersEmpty();
    }

    @Test
    void secondCompleteInvocationOfARequestIsIgnored() {
        Invocation rerun = new Invocation("req-1", "inv-9", 1);
        send(first.chunk(0, "first"), first.complete(1));
        send(rerun.chunk(0, "second"), rerun.complete(1));

        assertThat(output.readValuesToList())
                .extracting(AnswerRecord::invocationId)
                .containsExactly("inv-1");
        assertBuffersEmpty();
    }

    @Test
    void theFirstInvocationFullyAssembledWinsEvenIfItStartedLater() {
        Invocation rerun = new Invocation("req-1", "inv-9", 1);
        send(first.chunk(0, "first "), first.complete(2));
        send(rerun.chunk(0, "second"), rerun.complete(1));
        send(first.chunk(1, "late"));

        assertThat(output.readValuesToList()).extracting(AnswerRecord::text).containsExactly("second");
        assertBuffersEmpty();
    }

    @Test
    void chunksWithoutTextAreCountedButAddNothing() {
        send(first.chunk(0, null), first.chunk(1, "Hi"), first.chunk(2, null), first.complete(3));

        List<AnswerRecord> answers = output.readValuesToList();
        assertThat(answers).extracting(AnswerRecord::text).containsExactly("Hi");
        assertThat(answers.get(0).chunkCount()).isEqualTo(3);
    }

    @Test
    void anInvocationWithNoChunksAnswersWithEmptyText() {
        send(first.complete(0));

        assertThat(output.readValuesToList())
                .extracting(AnswerRecord::text, AnswerRecord::chunkCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("", 0L));
    }

    @Test
    void acceptsEnvelopeAndBareJsonInOneStream() {
        input.pipeInput("req-1", ConnectorRecords.envelope(first.chunk(0, "env ")));
        input.pipeInput("req-1", ConnectorRecords.bare(first.chunk(1, "bare")));
        input.pipeInput("req-1", ConnectorRecords.envelope(first.complete(2)));

        assertThat(texts()).containsExactly("env bare");
    }

    @Test
    void interleavedRequestsAreAssembledSeparately() {
        Invocation other = new Invocation("req-2", "inv-2", 1);
        send(
                first.chunk(0, "one "),
                other.chunk(0, "two "),
                other.chunk(1, "B"),
                first.chunk(1, "A"),
                other.complete(2),
                first.complete(2));

        assertThat(output.readKeyValuesToList())
                .extracting(kv -> kv.key, kv -> kv.value.text())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("req-2", "two B"),
                        org.assertj.core.groups.Tuple.tuple("req-1", "one A"));
    }

    @Test
    void malformedValuesAreSkippedAndCounted() {
        input.pipeInput("req-1", utf8("not json {"));
        input.pipeInput("req-1", utf8("[1,2]"));
        input.pipeInput("req-1", utf8("{\"foo\":1}"));
        input.pipeInput("req-1", (byte[]) null);
        // valid JSON records the processor itself cannot use
        input.pipeInput("req-1", utf8("{\"invocation_id\":null,\"attempt\":1,\"seq\":0,\"event\":\"chunk\"}"));
        input.pipeInput("req-1", utf8("{\"invocation_id\":\"i\",\"attempt\":1,\"seq\":0,\"event\":\"delta\"}"));
        input.pipeInput("req-1", utf8("{\"invocation_id\":\"i\",\"attempt\":1,\"seq\":-1,\"event\":\"chunk\"}"));
        input.pipeInput((String) null, utf8("{\"invocation_id\":\"i\",\"attempt\":1,\"seq\":0,\"event\":\"chunk\"}"));
        send(first.chunk(0, "still "), first.chunk(1, "works"), first.complete(2));

        assertThat(texts()).containsExactly("still works");
        assertThat(droppedRecords())
                .as("dropped by the deserialization exception handler")
                .isEqualTo(3.0);
        assertThat(count(invocationStore())).isZero();
        assertThat(count(chunkStore())).isZero();
    }

    @Test
    void anIdleIncompleteInvocationExpires() {
        send(first.chunk(0, "a"), first.chunk(2, "c"), first.complete(3));
        assertThat(count(chunkStore())).isEqualTo(2);

        driver.advanceWallClockTime(Duration.ofMinutes(9));
        assertThat(count(chunkStore())).isEqualTo(2);
        driver.advanceWallClockTime(Duration.ofMinutes(2));
        assertBuffersEmpty();

        // the missing chunk after expiry cannot complete an answer
        send(first.chunk(1, "b"));
        assertThat(output.isEmpty()).isTrue();
    }

    @Test
    void progressKeepsAnInvocationAlive() {
        send(first.chunk(0, "a"));
        driver.advanceWallClockTime(Duration.ofMinutes(8));
        send(first.chunk(1, "b"));
        driver.advanceWallClockTime(Duration.ofMinutes(8));
        send(first.complete(2));

        assertThat(texts()).containsExactly("ab");
    }

    @Test
    void answeredRequestsAreForgottenAfterTheRetention() {
        send(first.chunk(0, "a"), first.complete(1));
        assertThat(count(answeredStore())).isEqualTo(1);

        driver.advanceWallClockTime(Duration.ofMinutes(61));

        assertThat(count(answeredStore())).isZero();
        assertThat(texts()).containsExactly("a");
    }

    @Test
    void assemblesConverseTextReasoningWithItsSignatureAndToolCallsWhateverTheArrivalOrder() throws Exception {
        ChunkRecord[] records = {
            first.delta(
                    0,
                    0,
                    "reasoning",
                    "Think",
                    "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"text\":\"Think\"}}}",
                    null,
                    null),
            first.delta(
                    1,
                    0,
                    "reasoning",
                    "ing.",
                    "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"text\":\"ing.\"}}}",
                    null,
                    null),
            first.delta(
                    2,
                    0,
                    "reasoning_signature",
                    null,
                    "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"signature\":\"SIG==\"}}}",
                    null,
                    null),
            first.delta(
                    3, 1, "text", "Let me ", "{\"contentBlockIndex\":1,\"delta\":{\"text\":\"Let me \"}}", null, null),
            first.delta(
                    4, 1, "text", "check.", "{\"contentBlockIndex\":1,\"delta\":{\"text\":\"check.\"}}", null, null),
            first.delta(
                    5,
                    2,
                    "tool_use",
                    null,
                    "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"{\\\"city\\\":\"}}}",
                    "tu_1",
                    "get_weather"),
            first.delta(
                    6,
                    2,
                    "tool_use",
                    null,
                    "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"\\\"Paris\\\"}\"}}}",
                    "tu_1",
                    "get_weather"),
            ChunkRecord.complete(
                    "req-1", "inv-1", 1, 7, Invocation.MODEL, "tool_use", 12L, 3L, "bedrock-requests", 0, 42)
        };
        send(records[6], records[0], records[3], records[5], records[1], records[7], records[2], records[4]);

        AnswerRecord answer = output.readValue();
        assertThat(answer.text()).isEqualTo("Let me check.");
        assertThat(answer.reasoning()).isEqualTo("Thinking.");
        assertThat(answer.reasoningSignature()).isEqualTo("SIG==");
        assertThat(answer.stopReason()).isEqualTo("tool_use");
        assertThat(answer.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.get("tool_use_id").asText()).isEqualTo("tu_1");
            assertThat(call.get("name").asText()).isEqualTo("get_weather");
            assertThat(call.get("input").get("city").asText()).isEqualTo("Paris");
        });
        assertBuffersEmpty();
    }

    @Test
    void anInvokeModelAnswerHasNoConverseMembersInItsJson() {
        send(first.chunk(0, "Hi"), first.complete(1));
        byte[] json = new AnswerRecordSerde().serializer().serialize(OUT, output.readValue());
        assertThat(new String(json, java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("reasoning")
                .doesNotContain("tool_calls");
    }

    private void send(ChunkRecord... records) {
        for (ChunkRecord r : records) {
            input.pipeInput(r.requestId(), ConnectorRecords.envelope(r));
        }
    }

    private List<String> texts() {
        return output.readValuesToList().stream().map(AnswerRecord::text).toList();
    }

    private void assertBuffersEmpty() {
        assertThat(count(invocationStore())).as("invocations buffered").isZero();
        assertThat(count(chunkStore())).as("chunks buffered").isZero();
    }

    private KeyValueStore<String, InvocationState> invocationStore() {
        return driver.getKeyValueStore(ChunkAssembler.INVOCATIONS_STORE);
    }

    private KeyValueStore<Object, String> chunkStore() {
        return driver.getKeyValueStore(ChunkAssembler.CHUNKS_STORE);
    }

    private KeyValueStore<String, Long> answeredStore() {
        return driver.getKeyValueStore(ChunkAssembler.ANSWERED_STORE);
    }

    private static long count(KeyValueStore<?, ?> store) {
        try (var it = store.all()) {
            long n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            return n;
        }
    }

    private double droppedRecords() {
        return driver.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("dropped-records-total"))
                .map(java.util.Map.Entry::getValue)
                .mapToDouble(m -> ((Number) ((Metric) m).metricValue()).doubleValue())
                .sum();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
