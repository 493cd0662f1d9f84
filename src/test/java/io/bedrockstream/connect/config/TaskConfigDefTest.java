package io.bedrockstream.connect.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bedrockstream.connect.TestConfigs;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The keys a connector sets per task live in the task config defs, which extend the connector's. */
class TaskConfigDefTest {

    @Test
    void sinkTaskDefIsTheConnectorsPlusTheTaskIndex() {
        Set<String> expected = new HashSet<>(BedrockSinkConfig.configDef().names());
        assertThat(expected).doesNotContain(BedrockConnectorConfig.TASK_INDEX);
        expected.add(BedrockConnectorConfig.TASK_INDEX);
        assertThat(BedrockSinkTaskConfig.TASK_CONFIG_DEF.names()).isEqualTo(expected);
    }

    @Test
    void sourceTaskDefIsTheConnectorsPlusTheTaskIndexAndPartitions() {
        Set<String> expected = new HashSet<>(BedrockSourceConfig.configDef().names());
        assertThat(expected)
                .doesNotContain(BedrockConnectorConfig.TASK_INDEX, BedrockSourceConfig.TASK_ASSIGNED_PARTITIONS);
        expected.add(BedrockConnectorConfig.TASK_INDEX);
        expected.add(BedrockSourceConfig.TASK_ASSIGNED_PARTITIONS);
        assertThat(BedrockSourceTaskConfig.TASK_CONFIG_DEF.names()).isEqualTo(expected);
    }

    @Test
    void taskKeysAreParsedByTheTaskDefAndIgnoredByTheConnectors() {
        Map<String, String> props = TestConfigs.validSource();
        props.put(BedrockConnectorConfig.TASK_INDEX, " 2 ");
        props.put(BedrockSourceConfig.TASK_ASSIGNED_PARTITIONS, "req-uests-3, b-0");
        BedrockSourceTaskConfig task = new BedrockSourceTaskConfig(props);
        assertThat(task.taskIndex()).isEqualTo(2);
        assertThat(task.assignedPartitions())
                .containsExactly(new TopicPartition("req-uests", 3), new TopicPartition("b", 0));
        assertThat(task.consumerConfigs()).containsEntry("client.id", "bedrock-stream-source-bedrock-source-2");
        // the connector's own config has no task: index 0 whatever its originals hold
        assertThat(new BedrockSourceConfig(props).taskIndex()).isZero();
    }

    @Test
    void aTaskConfigWithoutTaskKeysHasIndexZeroAndNoPartitions() {
        BedrockSourceTaskConfig task = new BedrockSourceTaskConfig(TestConfigs.validSource());
        assertThat(task.taskIndex()).isZero();
        assertThat(task.assignedPartitions()).isEmpty();
        assertThat(new BedrockSinkTaskConfig(TestConfigs.validSink()).taskIndex())
                .isZero();
    }

    @Test
    void aTaskIndexThatIsNoNumberIsAConfigError() {
        Map<String, String> props = TestConfigs.validSink();
        props.put(BedrockConnectorConfig.TASK_INDEX, "x");
        assertThatThrownBy(() -> new BedrockSinkTaskConfig(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(BedrockConnectorConfig.TASK_INDEX);
    }
}
