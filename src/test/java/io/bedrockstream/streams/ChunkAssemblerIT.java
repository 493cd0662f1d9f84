package io.bedrockstream.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.streams.ConnectorRecords.Invocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembler as a real Kafka Streams application on a real KRaft broker: RocksDB stores with changelogs,
 * the deserialization exception handler of {@link ChunkAssembler#streamsConfig}, JSON as the connector's
 * JsonConverter writes it.
 */
class ChunkAssemblerIT {
    private static final String IN = "bedrock-chunks";
    private static final String OUT = "bedrock-answers";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static KafkaClusterTestKit cluster;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            // one input partition: records are processed in the order they were sent, so the answer to a
            // last, sentinel request proves that everything before it has been processed
            admin.createTopics(List.of(new NewTopic(IN, 1, (short) 1), new NewTopic(OUT, 1, (short) 1)))
                    .all()
                    .get();
        }
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void answersEachRequestOnceThroughARealBroker(@TempDir Path stateDir) throws Exception {
        Properties config = ChunkAssembler.streamsConfig("assembler-it", cluster.bootstrapServers());
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        Invocation a = new Invocation("req-a", "inv-a1", 1);
        Invocation aRerun = new Invocation("req-a", "inv-a9", 1);
        Invocation bFailed = new Invocation("req-b", "inv-b1", 1);
        Invocation bRetry = new Invocation("req-b", "inv-b2", 2);
        Invocation sentinel = new Invocation("req-z", "inv-z1", 1);

        try (KafkaStreams streams = new KafkaStreams(
                        ChunkAssembler.buildTopology(IN, OUT, ChunkAssembler.Options.defaults()), config);
                KafkaProducer<String, byte[]> producer = producer()) {
            streams.start();
            send(producer, "req-a", ConnectorRecords.envelope(a.chunk(1, "world")));
            send(producer, "req-b", ConnectorRecords.bare(bFailed.chunk(0, "lost")));
            send(producer, "req-c", "not json at all".getBytes(StandardCharsets.UTF_8));
            send(producer, "req-a", ConnectorRecords.envelope(a.chunk(0, "hello ")));
            send(producer, "req-a", ConnectorRecords.envelope(a.chunk(0, "hello ")));
            send(producer, "req-b", ConnectorRecords.bare(bFailed.error(1, true)));
            send(producer, "req-a", ConnectorRecords.envelope(a.complete(2)));
            send(producer, "req-b", ConnectorRecords.bare(bRetry.chunk(0, "kept")));
            send(producer, "req-b", ConnectorRecords.bare(bRetry.complete(1)));
            send(producer, "req-a", ConnectorRecords.envelope(aRerun.chunk(0, "again")));
            send(producer, "req-a", ConnectorRecords.envelope(aRerun.complete(1)));
            send(producer, "req-z", ConnectorRecords.envelope(sentinel.complete(0)));
            producer.flush();

            List<AnswerRecord> answers = readAnswersUntil("req-z");

            assertThat(answers)
                    .extracting(AnswerRecord::requestId, AnswerRecord::invocationId, AnswerRecord::text)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("req-a", "inv-a1", "hello world"),
                            org.assertj.core.groups.Tuple.tuple("req-b", "inv-b2", "kept"),
                            org.assertj.core.groups.Tuple.tuple("req-z", "inv-z1", ""));
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(IN, key, value)).get();
    }

    private static List<AnswerRecord> readAnswersUntil(String lastRequestId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "answers-reader");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<AnswerRecord> answers = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try (KafkaConsumer<String, AnswerRecord> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new AnswerRecordSerde().deserializer())) {
            consumer.subscribe(List.of(OUT));
            while (answers.stream().noneMatch(answer -> answer.requestId().equals(lastRequestId))) {
                assertThat(System.nanoTime())
                        .as("answer to %s within %s", lastRequestId, TIMEOUT)
                        .isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(record -> answers.add(record.value()));
            }
        }
        return answers;
    }
}
