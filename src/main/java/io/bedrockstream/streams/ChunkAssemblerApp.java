package io.bedrockstream.streams;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs {@link ChunkAssembler} as a stand-alone Kafka Streams application. Needs kafka-streams (and its
 * RocksDB) on the class path, e.g. a Kafka distribution's {@code libs/} after the plugin's {@code lib/}.
 *
 * <pre>
 * java -cp 'plugin/lib/*:kafka/libs/*' io.bedrockstream.streams.ChunkAssemblerApp \
 *     --bootstrap-servers kafka:9092 --input bedrock-chunks --output bedrock-answers
 * </pre>
 */
public final class ChunkAssemblerApp {
    static final String USAGE = """
            usage: ChunkAssemblerApp --bootstrap-servers HOST:PORT [--input bedrock-chunks] [--output bedrock-answers]
                                     [--application-id bedrock-chunk-assembler] [--state-dir DIR]
                                     [--idle-timeout-ms 600000] [--answered-retention-ms 86400000]
                                     [--punctuation-interval-ms 60000]""";

    private ChunkAssemblerApp() {
    }

    /** What the arguments ask for: topics, the assembler's options and the Streams config. */
    record Settings(String inputTopic, String outputTopic, ChunkAssembler.Options options, Properties config) {
        static final Set<String> KNOWN = Set.of("input", "output", "application-id", "state-dir",
                "idle-timeout-ms", "answered-retention-ms", "punctuation-interval-ms");
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings;
        try {
            settings = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        KafkaStreams streams = new KafkaStreams(
                ChunkAssembler.buildTopology(settings.inputTopic(), settings.outputTopic(), settings.options()),
                settings.config());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close(Duration.ofSeconds(30));
            stopped.countDown();
        }, "chunk-assembler-shutdown"));
        streams.start();
        stopped.await();
    }

    static Settings parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --flag value, got " + arg);
            }
            flags.put(arg.substring(2), args[++i]);
        }
        String bootstrap = flags.remove("bootstrap-servers");
        if (bootstrap == null) {
            throw new IllegalArgumentException("--bootstrap-servers is required");
        }
        String input = flags.getOrDefault("input", "bedrock-chunks");
        String output = flags.getOrDefault("output", "bedrock-answers");
        Properties config = ChunkAssembler.streamsConfig(
                flags.getOrDefault("application-id", "bedrock-chunk-assembler"), bootstrap);
        if (flags.containsKey("state-dir")) {
            config.put(StreamsConfig.STATE_DIR_CONFIG, flags.get("state-dir"));
        }
        ChunkAssembler.Options defaults = ChunkAssembler.Options.defaults();
        ChunkAssembler.Options options = new ChunkAssembler.Options(
                millis(flags, "idle-timeout-ms", defaults.invocationIdleTimeout()),
                millis(flags, "answered-retention-ms", defaults.answeredRetention()),
                millis(flags, "punctuation-interval-ms", defaults.punctuationInterval()));
        for (String flag : flags.keySet()) {
            if (!Settings.KNOWN.contains(flag)) {
                throw new IllegalArgumentException("unknown option --" + flag);
            }
        }
        return new Settings(input, output, options, config);
    }

    private static Duration millis(Map<String, String> flags, String name, Duration fallback) {
        String value = flags.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Duration.ofMillis(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number of milliseconds: " + value);
        }
    }
}
