package io.bedrockstream.packaging;

import io.bedrockstream.streams.AnswerRecord;
import io.bedrockstream.streams.AnswerRecordSerde;
import io.bedrockstream.streams.ChunkAssembler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Run by {@link ArtifactsPackagedIT} in a JVM whose classpath has the assembler's jar, Kafka Streams and Jackson
 * but neither the connector's classes nor the AWS SDK: assembles one request's chunk records as the connector
 * writes them (bare JSON) and prints the answer. Refers to nothing but the assembler's public API.
 */
public final class AssemblerAlone {
    private AssemblerAlone() {}

    public static void main(String[] args) throws Exception {
        Properties props = ChunkAssembler.streamsConfig("assembler-alone", "unused:9092");
        props.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Files.createTempDirectory("assembler-alone").toString());
        ChunkAssembler.Options options =
                new ChunkAssembler.Options(Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofMinutes(1));
        try (TopologyTestDriver driver = new TopologyTestDriver(
                ChunkAssembler.buildTopology("chunks", "answers", options), props, Instant.EPOCH)) {
            TestInputTopic<String, byte[]> in =
                    driver.createInputTopic("chunks", new StringSerializer(), new ByteArraySerializer());
            TestOutputTopic<String, AnswerRecord> out = driver.createOutputTopic(
                    "answers", new StringDeserializer(), new AnswerRecordSerde().deserializer());
            String common = "\"request_id\":\"req-1\",\"invocation_id\":\"inv-1\",\"attempt\":1";
            in.pipeInput("req-1", bytes("{" + common + ",\"seq\":1,\"event\":\"chunk\",\"text\":\" world\"}"));
            in.pipeInput(
                    "req-1",
                    bytes(
                            "{" + common + ",\"seq\":0,\"event\":\"chunk\",\"text\":\"Hello\","
                                    + "\"model_id\":\"m\",\"source_topic\":\"requests\",\"source_partition\":0,\"source_offset\":7}"));
            in.pipeInput(
                    "req-1",
                    bytes(
                            "{" + common + ",\"seq\":2,\"event\":\"complete\",\"stop_reason\":\"end_turn\","
                                    + "\"model_id\":\"m\",\"source_topic\":\"requests\",\"source_partition\":0,\"source_offset\":7}"));
            AnswerRecord answer = out.readValue();
            System.out.println("ANSWER " + answer.requestId() + " " + answer.text() + " " + answer.stopReason());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
