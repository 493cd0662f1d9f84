package io.bedrockstream.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.junit.jupiter.api.Test;

class ChunkAssemblerAppTest {

    @Test
    void defaultsNeedOnlyTheBootstrapServers() {
        ChunkAssemblerApp.Settings s = ChunkAssemblerApp.parse(new String[] {"--bootstrap-servers", "kafka:9092"});

        assertThat(s.inputTopic()).isEqualTo("bedrock-chunks");
        assertThat(s.outputTopic()).isEqualTo("bedrock-answers");
        assertThat(s.options()).isEqualTo(ChunkAssembler.Options.defaults());
        assertThat(s.config().getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)).isEqualTo("kafka:9092");
        assertThat(s.config().getProperty(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("bedrock-chunk-assembler");
        assertThat(s.config().getProperty(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(LogAndContinueExceptionHandler.class.getName());
    }

    @Test
    void everyOptionIsApplied() {
        ChunkAssemblerApp.Settings s = ChunkAssemblerApp.parse(new String[] {
            "--bootstrap-servers", "b:1", "--input", "in", "--output", "out", "--application-id", "app",
            "--state-dir", "/tmp/x", "--idle-timeout-ms", "1000", "--answered-retention-ms", "2000",
            "--punctuation-interval-ms", "500"});

        assertThat(s.inputTopic()).isEqualTo("in");
        assertThat(s.outputTopic()).isEqualTo("out");
        assertThat(s.options()).isEqualTo(new ChunkAssembler.Options(
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(500)));
        assertThat(s.config().getProperty(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("app");
        assertThat(s.config().getProperty(StreamsConfig.STATE_DIR_CONFIG)).isEqualTo("/tmp/x");
    }

    @Test
    void rejectsMissingBootstrapUnknownFlagsAndBadNumbers() {
        assertThatThrownBy(() -> ChunkAssemblerApp.parse(new String[] {"--input", "x"}))
                .hasMessageContaining("--bootstrap-servers");
        assertThatThrownBy(() -> ChunkAssemblerApp.parse(new String[] {"--bootstrap-servers", "b", "--typo", "1"}))
                .hasMessage("unknown option --typo");
        assertThatThrownBy(() -> ChunkAssemblerApp.parse(
                new String[] {"--bootstrap-servers", "b", "--idle-timeout-ms", "10m"}))
                .hasMessageContaining("milliseconds");
        assertThatThrownBy(() -> ChunkAssemblerApp.parse(new String[] {"--bootstrap-servers"}))
                .hasMessageContaining("expected --flag value");
    }
}
