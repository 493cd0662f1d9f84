package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bedrockstream.Version;
import io.bedrockstream.connect.config.BedrockSinkConfig;
import io.bedrockstream.connect.config.BedrockSinkTaskConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class BedrockSinkConnectorTest {

    @Test
    void startRefusesABrokenConfigWithWhatToFix() {
        Map<String, String> props = TestConfigs.validSink();
        props.put("request.mode", "template");
        props.put("output.completions.topic", "responses");
        assertThatThrownBy(() -> new BedrockSinkConnector().start(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("set request.template")
                .hasMessageContaining("output.completions.topic must differ from output.topic");
    }

    @Test
    void startRefusesAMissingRequiredKey() {
        Map<String, String> props = TestConfigs.validSink();
        props.remove("bedrock.model.id");
        assertThatThrownBy(() -> new BedrockSinkConnector().start(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bedrock.model.id");
    }

    @Test
    void oneTaskConfigPerTaskWithItsIndex() {
        BedrockSinkConnector connector = new BedrockSinkConnector();
        connector.start(TestConfigs.validSink());
        List<Map<String, String>> tasks = connector.taskConfigs(3);
        assertThat(tasks).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(tasks.get(i))
                    .containsEntry(BedrockSinkConfig.TASK_INDEX, Integer.toString(i))
                    .containsAllEntriesOf(TestConfigs.validSink());
            assertThat(new BedrockSinkTaskConfig(tasks.get(i)).taskIndex()).isEqualTo(i);
        }
        connector.stop();
    }

    @Test
    void describesItself() throws Exception {
        BedrockSinkConnector connector = new BedrockSinkConnector();
        assertThat(connector.version()).isEqualTo(Version.get());
        assertThat(connector.taskClass()).isEqualTo(BedrockSinkTask.class);
        assertThat(connector.config().configKeys()).containsKeys("bedrock.region", "output.bootstrap.servers");
        try (InputStream in =
                getClass().getResourceAsStream("/META-INF/services/org.apache.kafka.connect.sink.SinkConnector")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim())
                    .isEqualTo(BedrockSinkConnector.class.getName());
        }
    }
}
