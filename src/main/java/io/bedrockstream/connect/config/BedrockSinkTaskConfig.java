package io.bedrockstream.connect.config;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * A sink task's config: the connector's keys plus the keys the connector sets for each task
 * ({@code task.index}), defined in {@link #TASK_CONFIG_DEF} rather than read from the originals.
 */
public class BedrockSinkTaskConfig extends BedrockSinkConfig {

    /** The sink connector's def plus {@code task.index}. Not documented for users: the connector sets it. */
    public static final ConfigDef TASK_CONFIG_DEF = withTaskIndex(BedrockSinkConfig.configDef());

    public BedrockSinkTaskConfig(Map<?, ?> props) {
        super(TASK_CONFIG_DEF, props);
    }
}
