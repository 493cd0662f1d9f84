package io.bedrockstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class LiveStreamTest {

    private static final String CLAUDE = DemoRequest.DEFAULT_EMULATED_MODEL;
    private static final String NOVA = "amazon.nova-lite-v1:0";

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final LiveStream live = new LiveStream(
            out,
            List.of(
                    new DemoRequest("req-1", "p1", CLAUDE, CLAUDE, false),
                    new DemoRequest("req-2", "p2", NOVA, NOVA, false),
                    new DemoRequest("req-7", "p7", "cohere.command-r-v1:0", "cohere.command-r-v1:0", true)));

    @Test
    void deltasOfOneRequestShareALineAndAnotherRequestStartsANewTaggedLine() {
        // tags are padded to the longest, "req-7 command"
        live.produced("req-1", 1_000_000);
        live.produced("req-2", 1_000_000);
        live.onChunkRecord(chunk("req-1", "i1", 1, 0, "Hello"), 11_000_000);
        live.onChunkRecord(chunk("req-1", "i1", 1, 1, " world"), 12_000_000);
        live.onChunkRecord(chunk("req-2", "i2", 1, 0, "Hi\nthere"), 13_000_000);
        live.onChunkRecord(chunk("req-1", "i1", 1, 2, "!"), 14_000_000);
        live.onChunkRecord(record("bedrock-chunks", "req-1", """
                {"request_id":"req-1","invocation_id":"i1","attempt":1,"seq":3,"event":"complete","model_id":"%s",
                 "stop_reason":"end_turn","output_tokens":12,"first_byte_latency_ms":150,"invocation_latency_ms":600}
                """.formatted(CLAUDE)), 21_000_000);
        live.finishLine();

        assertThat(printed()).isEqualTo("""
                [req-1 claude ] Hello world
                [req-2 nova   ] Hi
                [req-2 nova   ] there
                [req-1 claude ] !
                = req-1 complete (attempt 1, 3 chunks, 12 tokens out, stop end_turn)
                """);
        RequestProgress first = live.progress().get(0);
        assertThat(first.status()).isEqualTo(RequestProgress.Status.COMPLETE);
        assertThat(first.firstChunkMs()).isEqualTo(10);
        assertThat(first.totalMs()).isEqualTo(20);
        assertThat(first.tokensPerSecond()).isEqualTo(20.0);
        assertThat(live.pending()).containsExactly("req-2", "req-7");
    }

    @Test
    void retriedErrorIsAnnouncedAndOnlyTheCompletingInvocationsChunksCount() {
        live.onChunkRecord(record("bedrock-chunks", "req-2", """
                {"request_id":"req-2","invocation_id":"a1","attempt":1,"seq":0,"event":"error",
                 "error_type":"ThrottlingException","error_message":"slow down","retrying":true}"""), 1);
        live.onChunkRecord(chunk("req-2", "a2", 2, 0, "ok"), 2);
        live.onChunkRecord(chunk("req-2", "a2", 2, 1, "!"), 3);
        live.onChunkRecord(record("bedrock-chunks", "req-2", """
                {"request_id":"req-2","invocation_id":"a2","attempt":2,"seq":2,"event":"complete"}"""), 4);

        assertThat(printed()).startsWith("! req-2 attempt 1 ThrottlingException, retrying\n[req-2 nova   ] ok!\n");
        RequestProgress nova = live.progress().get(1);
        assertThat(nova.attempts()).isEqualTo(2);
        assertThat(nova.chunks()).isEqualTo(2);
    }

    @Test
    void deadLetterPrintsKeyAndConnectsReasonHeaderAndFinishesTheRequest() {
        ConsumerRecord<String, String> dead = record("bedrock-dlq", "req-7", "p7");
        dead.headers()
                .add(
                        LiveStream.DLQ_MESSAGE_HEADER,
                        "model cohere.command-r-v1:0 is not allowed".getBytes(StandardCharsets.UTF_8));

        live.onDeadLetter(dead, 5);

        assertThat(printed()).isEqualTo("x req-7 dead-lettered: model cohere.command-r-v1:0 is not allowed\n");
        assertThat(live.progress().get(2).status()).isEqualTo(RequestProgress.Status.DEAD_LETTERED);
        assertThat(live.allDone()).isFalse();
    }

    @Test
    void converseDeltasShowThinkingTheSignatureAndTheToolInputAsTheyArriveThenTheReassembledCall() {
        LiveStream converse = new LiveStream(
                out, List.of(new DemoRequest("req-8", "{}", null, DemoRequest.CONVERSE_MODEL, false, true)));
        converse.onChunkRecord(typed("req-8", 0, 0, "reasoning", "Compare the", null), 1);
        converse.onChunkRecord(typed("req-8", 1, 0, "reasoning", " decimals.", null), 2);
        converse.onChunkRecord(
                typed(
                        "req-8",
                        2,
                        0,
                        "reasoning_signature",
                        null,
                        "{\\\"contentBlockIndex\\\":0,\\\"delta\\\":{\\\"reasoningContent\\\":{\\\"signature\\\":\\\"SIG=\\\"}}}"),
                3);
        converse.onChunkRecord(typed("req-8", 3, 1, "text", "Checking.", null), 4);
        converse.onChunkRecord(
                typed(
                        "req-8",
                        4,
                        2,
                        "tool_use",
                        null,
                        "{\\\"delta\\\":{\\\"toolUse\\\":{\\\"input\\\":\\\"{\\\\\\\"location\\\\\\\":\\\"}}}"),
                5);
        converse.onChunkRecord(
                typed(
                        "req-8",
                        5,
                        2,
                        "tool_use",
                        null,
                        "{\\\"delta\\\":{\\\"toolUse\\\":{\\\"input\\\":\\\"\\\\\\\"Paris\\\\\\\"}\\\"}}}"),
                6);
        converse.onChunkRecord(record("bedrock-chunks", "req-8", """
                {"request_id":"req-8","invocation_id":"c1","attempt":1,"seq":6,"event":"complete",
                 "stop_reason":"tool_use","output_tokens":9}"""), 7);
        converse.finishLine();

        assertThat(printed()).isEqualTo("""
                [req-8 converse] thinking: Compare the decimals.
                [req-8 converse] signature: SIG= (kept with the reasoning)
                [req-8 converse] Checking.
                [req-8 converse] tool get_weather (tooluse_1) input: {"location":"Paris"}
                = req-8 complete (attempt 1, 6 chunks, 9 tokens out, stop tool_use)
                  tool call get_weather {"location":"Paris"}
                  reasoning: 21 chars, signature kept (4 chars)
                """);
        RequestProgress p = converse.progress().get(0);
        assertThat(p.toolCalls()).singleElement().satisfies(c -> {
            assertThat(c.toolUseId()).isEqualTo("tooluse_1");
            assertThat(c.input()).isEqualTo("{\"location\":\"Paris\"}");
        });
        assertThat(p.reasoningSignature()).isEqualTo("SIG=");
    }

    private static ConsumerRecord<String, String> typed(
            String id, long seq, int block, String type, String text, String rawChunk) {
        return record(
                "bedrock-chunks",
                id,
                ("{\"request_id\":\"%s\",\"invocation_id\":\"c1\",\"attempt\":1,"
                                + "\"seq\":%d,\"event\":\"chunk\",\"block_index\":%d,\"delta_type\":\"%s\""
                                + (text == null ? "" : ",\"text\":\"" + text + "\"")
                                + (type.equals("tool_use")
                                        ? ",\"tool_name\":\"get_weather\",\"tool_use_id\":\"tooluse_1\""
                                        : "")
                                + (rawChunk == null ? "" : ",\"chunk\":\"" + rawChunk + "\"") + "}")
                        .formatted(id, seq, block, type));
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    private static ConsumerRecord<String, String> chunk(
            String id, String invocation, int attempt, long seq, String text) {
        String escaped = text.replace("\n", "\\n");
        return record("bedrock-chunks", id, """
                {"request_id":"%s","invocation_id":"%s","attempt":%d,"seq":%d,"event":"chunk","text":"%s"}""".formatted(id, invocation, attempt, seq, escaped));
    }

    private static ConsumerRecord<String, String> record(String topic, String key, String value) {
        return new ConsumerRecord<>(topic, 0, 0L, key, value);
    }
}
