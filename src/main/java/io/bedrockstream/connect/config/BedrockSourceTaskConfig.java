package io.bedrockstream.connect.config;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * A source task's config: the connector's keys plus the keys the connector sets for each task
 * ({@code task.index}, {@code task.assigned.partitions}), defined in {@link #TASK_CONFIG_DEF} rather than read
 * from the originals, as MirrorMaker's {@code MirrorSourceTaskConfig} does.
 */
public class BedrockSourceTaskConfig extends BedrockSourceConfig {

    /** The source connector's def plus the task keys. Not documented for users: the connector sets them. */
    public static final ConfigDef TASK_CONFIG_DEF = withTaskIndex(BedrockSourceConfig.configDef())
            .define(
                    TASK_ASSIGNED_PARTITIONS,
                    Type.LIST,
                    "",
                    Importance.LOW,
                    "The partitions dealt to the task, as topic-partition pairs, comma-separated. Not a user "
                            + "setting.");

    public BedrockSourceTaskConfig(Map<?, ?> props) {
        super(TASK_CONFIG_DEF, props);
    }

    /** The partitions dealt to this task. */
    public List<TopicPartition> assignedPartitions() {
        return getList(TASK_ASSIGNED_PARTITIONS).stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(BedrockSourceConfig::decodePartition)
                .toList();
    }
}
