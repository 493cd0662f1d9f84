package io.bedrockstream.streams;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>The process exits with status 1 when Kafka Streams gives up (state ERROR, e.g. RocksDB's native library
 * cannot load, or every stream thread died), so that a supervisor's restart policy sees the failure; a JVM
 * that kept running with dead streams would look alive forever. {@code --health-file} names a file that
 * exists exactly while the application is RUNNING or REBALANCING, for container health checks.
 */
public final class ChunkAssemblerApp {
    static final String USAGE = """
            usage: ChunkAssemblerApp --bootstrap-servers HOST:PORT [--input bedrock-chunks] [--output bedrock-answers]
                                     [--application-id bedrock-chunk-assembler] [--state-dir DIR]
                                     [--idle-timeout-ms 600000] [--answered-retention-ms 86400000]
                                     [--punctuation-interval-ms 60000] [--health-file PATH]""";

    private ChunkAssemblerApp() {}

    /** What the arguments ask for: topics, the assembler's options and the Streams config. */
    record Settings(
            String inputTopic, String outputTopic, ChunkAssembler.Options options, Properties config, Path healthFile) {
        static final Set<String> KNOWN = Set.of(
                "input",
                "output",
                "application-id",
                "state-dir",
                "idle-timeout-ms",
                "answered-retention-ms",
                "punctuation-interval-ms",
                "health-file");
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
        HealthFile health = new HealthFile(settings.healthFile());
        health.update(false); // one left by a killed run (a restarted container keeps its files)
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean failed = new AtomicBoolean();
        streams.setStateListener(stateListener(health, () -> {
            failed.set(true);
            stopped.countDown();
        }));
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            streams.close(Duration.ofSeconds(30));
                            health.update(false);
                            stopped.countDown();
                        },
                        "chunk-assembler-shutdown"));
        streams.start();
        stopped.await();
        if (failed.get()) {
            System.err.println("Kafka Streams stopped in state ERROR (see the log above): exiting with status 1");
            System.exit(1);
        }
    }

    /** Keeps the health file in step with the state, and calls {@code onError} when Streams gives up. */
    static KafkaStreams.StateListener stateListener(HealthFile health, Runnable onError) {
        return (now, before) -> {
            health.update(now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.REBALANCING);
            if (now == KafkaStreams.State.ERROR) {
                onError.run();
            }
        };
    }

    /**
     * A file that exists while the application is healthy; a null path turns it off. Updated on Kafka Streams'
     * own threads, so a failure to write it is reported, never thrown: a health file must not stop the work.
     */
    record HealthFile(Path path) {
        void update(boolean healthy) {
            if (path == null) {
                return;
            }
            try {
                if (healthy) {
                    Files.writeString(path, "healthy\n");
                } else {
                    Files.deleteIfExists(path);
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("Cannot update the health file " + path + ": " + e);
            }
        }
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
        Path healthFile = flags.containsKey("health-file") ? Path.of(flags.get("health-file")) : null;
        return new Settings(input, output, options, config, healthFile);
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
