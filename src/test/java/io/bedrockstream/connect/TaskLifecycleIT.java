package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bedrock.ClientLifecycleIT;
import io.bedrockstream.emulator.BedrockEmulator;
import io.bedrockstream.emulator.EmulatorOptions;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sink task started and stopped 50 times with the real Bedrock client against the emulator: after each stop
 * the task's threads (engine, writer, Netty event loops, SDK pools, credential refresh) and its connections to
 * Bedrock are gone, and every stop is well inside Connect's 5 s.
 */
class TaskLifecycleIT {
    private static BedrockEmulator emulator;

    @BeforeAll
    static void startEmulator() {
        emulator = BedrockEmulator.start(EmulatorOptions.builder()
                .port(0)
                .credentials(EmbeddedConnectHarness.ACCESS_KEY, EmbeddedConnectHarness.SECRET_KEY)
                .words(4)
                .perChunk(2)
                .build());
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    @Test
    void fiftyStartStopCyclesOfATaskLeaveNoThreadsOrSockets() throws Exception {
        Map<String, Integer> threadsBefore = ClientLifecycleIT.clientThreads();
        int connectionsBefore = emulator.stats().openConnections();
        TopicPartition tp = new TopicPartition("requests", 0);
        long slowestStopMs = 0;
        for (int cycle = 0; cycle < 50; cycle++) {
            Map<String, String> c = TestConfigs.validSink();
            c.put("request.mode", "prompt");
            c.put("bedrock.endpoint.override", emulator.endpoint().toString());
            c.put("bedrock.credentials.provider", "static");
            c.put("bedrock.access.key.id", EmbeddedConnectHarness.ACCESS_KEY);
            c.put("bedrock.secret.access.key", EmbeddedConnectHarness.SECRET_KEY);
            c.put("bedrock.model.id", EmbeddedConnectHarness.CLAUDE);
            c.put("bedrock.http.protocol", cycle % 2 == 0 ? "HTTP2" : "HTTP1_1");
            MockProducer<byte[], byte[]> producer =
                    new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            BedrockSinkTask task = new BedrockSinkTask(cfg -> TestWriters.writer(producer, cfg), EngineWiring::invoker);
            SinkTaskDriver driver = new SinkTaskDriver(c);
            task.initialize(driver);
            task.start(c);
            driver.assign(task, List.of(tp));
            String id = "life-" + cycle;
            task.put(List.of(new SinkRecord("requests", 0, null, id, null, "hi [[emu id=" + id + "]]", 0)));
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (task.preCommit(Map.of()).isEmpty()) {
                assertThat(System.nanoTime()).as("cycle %d completes", cycle).isLessThan(deadline);
                Thread.sleep(5);
            }
            long start = System.nanoTime();
            task.stop();
            slowestStopMs = Math.max(slowestStopMs, (System.nanoTime() - start) / 1_000_000);
            int n = cycle;
            awaitEqual(
                    "open connections after cycle " + n, () -> emulator.stats().openConnections(), connectionsBefore);
            awaitAtMost("threads after cycle " + n, ClientLifecycleIT::clientThreads, threadsBefore);
        }
        assertThat(slowestStopMs).as("slowest stop()").isLessThan(2_000);
    }

    /**
     * Threads of each kind come back to at most what was there before the first cycle: a thread another test left
     * behind may end meanwhile, but none of this task's may stay.
     */
    private static void awaitAtMost(String what, Supplier<Map<String, Integer>> actual, Map<String, Integer> before)
            throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (!atMost(actual.get(), before) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Map<String, Integer> now = actual.get();
        assertThat(atMost(now, before))
                .as("%s: %s, before the first cycle %s", what, now, before)
                .isTrue();
    }

    private static boolean atMost(Map<String, Integer> now, Map<String, Integer> before) {
        return now.entrySet().stream().allMatch(e -> e.getValue() <= before.getOrDefault(e.getKey(), 0));
    }

    private static <T> void awaitEqual(String what, Supplier<T> actual, T expected) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (!actual.get().equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(actual.get()).as(what).isEqualTo(expected);
    }
}
