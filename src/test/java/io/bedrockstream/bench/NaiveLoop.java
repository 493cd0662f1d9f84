package io.bedrockstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;

/**
 * What a user writes instead of the connector: one loop that consumes a request, invokes the model with the
 * plain SDK, produces each streamed chunk, waits for the stream to end, flushes and commits, then takes the next.
 * Same emulator latency as the latency-bound run (~1 s per response).
 */
final class NaiveLoop {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Bench bench;

    NaiveLoop(Bench bench) {
        this.bench = bench;
    }

    void run() throws Exception {
        System.out.println("the naive consume → invoke → produce loop…");
        int count = Bench.QUICK ? 3 : 8;
        Pipelines.createTopics(bench, 1, "naive-in", "naive-out");
        try (KafkaProducer<byte[], byte[]> requests = Pipelines.producer(bench, Map.of())) {
            for (int i = 0; i < count; i++) {
                String id = "n-" + i;
                requests.send(new ProducerRecord<>(
                        "naive-in",
                        id.getBytes(StandardCharsets.UTF_8),
                        Pipelines.prompt(id, LatencyRun.LATENCY).getBytes(StandardCharsets.UTF_8)));
            }
        }
        int handled = 0;
        long t0 = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = Pipelines.consumer(bench, Map.of("group.id", "naive-loop"));
                KafkaProducer<byte[], byte[]> producer =
                        Pipelines.producer(bench, Map.of(ProducerConfig.LINGER_MS_CONFIG, 0));
                BedrockRuntimeAsyncClient client = bench.client(4)) {
            TopicPartition tp = new TopicPartition("naive-in", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (handled < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    if (t0 == 0) {
                        t0 = System.nanoTime();
                    }
                    invokeAndProduce(client, producer, r);
                    producer.flush();
                    consumer.commitSync();
                    handled++;
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        bench.results.number(
                "naive_loop_requests_per_s",
                handled / seconds,
                "",
                "sequential consume → invoke → produce with the plain SDK, " + handled + " requests");
    }

    private static void invokeAndProduce(
            BedrockRuntimeAsyncClient client, KafkaProducer<byte[], byte[]> producer, ConsumerRecord<byte[], byte[]> r)
            throws Exception {
        ObjectNode body = JSON.createObjectNode()
                .put("anthropic_version", "bedrock-2023-05-31")
                .put("max_tokens", 512);
        body.putArray("messages")
                .addObject()
                .put("role", "user")
                .put("content", new String(r.value(), StandardCharsets.UTF_8));
        InvokeModelWithResponseStreamRequest request = InvokeModelWithResponseStreamRequest.builder()
                .modelId(Bench.MODEL)
                .contentType("application/json")
                .accept("application/json")
                .body(SdkBytes.fromByteArray(JSON.writeValueAsBytes(body)))
                .build();
        InvokeModelWithResponseStreamResponseHandler handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                        .onChunk(c -> producer.send(new ProducerRecord<>(
                                "naive-out", r.key(), c.bytes().asByteArray())))
                        .build())
                .build();
        client.invokeModelWithResponseStream(request, handler).get();
    }
}
