package io.bedrockstream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkAssemblerAppTest {

    @Test
    void defaultsNeedOnlyTheBootstrapServers() {
        ChunkAssemblerApp.Settings s = ChunkAssemblerApp.parse(new String[] {"--bootstrap-servers", "kafka:9092"});

        assertThat(s.inputTopic()).isEqualTo("bedrock-chunks");
        assertThat(s.outputTopic()).isEqualTo("bedrock-answers");
        assertThat(s.options()).isEqualTo(ChunkAssembler.Options.defaults());
        assertThat(s.config().getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG))
                .isEqualTo("kafka:9092");
        assertThat(s.config().getProperty(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("bedrock-chunk-assembler");
        assertThat(s.config().getProperty(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(LogAndContinueExceptionHandler.class.getName());
        assertThat(s.healthFile()).isNull();
    }

    @Test
    void everyOptionIsApplied() {
        ChunkAssemblerApp.Settings s = ChunkAssemblerApp.parse(new String[] {
            "--bootstrap-servers",
            "b:1",
            "--input",
            "in",
            "--output",
            "out",
            "--application-id",
            "app",
            "--state-dir",
            "/tmp/x",
            "--idle-timeout-ms",
            "1000",
            "--answered-retention-ms",
            "2000",
            "--punctuation-interval-ms",
            "500",
            "--health-file",
            "/tmp/healthy"
        });

        assertThat(s.inputTopic()).isEqualTo("in");
        assertThat(s.outputTopic()).isEqualTo("out");
        assertThat(s.options())
                .isEqualTo(new ChunkAssembler.Options(
                        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(500)));
        assertThat(s.config().getProperty(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("app");
        assertThat(s.config().getProperty(StreamsConfig.STATE_DIR_CONFIG)).isEqualTo("/tmp/x");
        assertThat(s.healthFile()).isEqualTo(Path.of("/tmp/healthy"));
    }

    @Test
    void theHealthFileExistsWhileRunningOrRebalancingAndErrorCallsTheFailureHandler(@TempDir Path dir) {
        Path file = dir.resolve("healthy");
        AtomicInteger errors = new AtomicInteger();
        KafkaStreams.StateListener listener =
                ChunkAssemblerApp.stateListener(new ChunkAssemblerApp.HealthFile(file), errors::incrementAndGet);

        listener.onChange(State.REBALANCING, State.CREATED);
        assertThat(file).exists();
        listener.onChange(State.RUNNING, State.REBALANCING);
        assertThat(file).exists();
        assertThat(errors).hasValue(0);
        listener.onChange(State.PENDING_ERROR, State.RUNNING);
        assertThat(file).doesNotExist();
        listener.onChange(State.ERROR, State.PENDING_ERROR);
        assertThat(file).doesNotExist();
        assertThat(errors).hasValue(1);
    }

    @Test
    void aHealthFileThatCannotBeWrittenIsReportedNotThrown(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("no-such-dir").resolve("healthy");
        AtomicInteger errors = new AtomicInteger();
        KafkaStreams.StateListener listener =
                ChunkAssemblerApp.stateListener(new ChunkAssemblerApp.HealthFile(file), errors::incrementAndGet);

        listener.onChange(State.RUNNING, State.REBALANCING);
        listener.onChange(State.ERROR, State.PENDING_ERROR);

        assertThat(Files.exists(file)).isFalse();
        assertThat(errors).as("the failure handler still runs").hasValue(1);
    }

    @Test
    void rejectsMissingBootstrapUnknownFlagsAndBadNumbers() {
        assertThatThrownBy(() -> ChunkAssemblerApp.parse(new String[] {"--input", "x"}))
                .hasMessageContaining("--bootstrap-servers");
        assertThatThrownBy(() -> ChunkAssemblerApp.parse(new String[] {"--bootstrap-servers", "b", "--typo", "1"}))
                .hasMessage("unknown option --typo");
        assertThatThrownBy(() ->
                        ChunkAssemblerApp.parse(new String[] {"--bootstrap-servers", "b", "--idle-timeout-ms", "10m"}))
                .hasMessageContaining("milliseconds");
        assertThatThrownBy(() -> ChunkAssemblerApp.parse(new String[] {"--bootstrap-servers"}))
                .hasMessageContaining("expected --flag value");
    }
}
