package io.bedrockstream.connect;

import io.bedrockstream.Version;
import io.bedrockstream.connect.config.BedrockSinkConfig;
import io.bedrockstream.connect.config.ConfigValidation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Reads request records, calls Bedrock's streaming API once per record and writes every chunk to the output
 * topic. The connector only checks the config and hands each task a copy; the tasks do the work.
 */
public class BedrockSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public ConfigDef config() {
        return BedrockSinkConfig.configDef();
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return ConfigValidation.attach(super.validate(connectorConfigs), connectorConfigs);
    }

    @Override
    public void start(Map<String, String> props) {
        BedrockSinkConfig config = new BedrockSinkConfig(props);
        List<ConfigValidation.Problem> problems = ConfigValidation.check(config.values(), props);
        if (!problems.isEmpty()) {
            throw new ConfigException("Invalid Bedrock sink configuration: "
                    + problems.stream().map(ConfigValidation.Problem::message).collect(Collectors.joining(" ")));
        }
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return BedrockSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(BedrockSinkConfig.TASK_INDEX, Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
        // nothing to release: tasks own the clients
    }

    /**
     * The worker's offsets REST API (KIP-875) moves the sink's consumer group: requests from the new offsets on
     * run again (or are skipped) when the connector resumes. Nothing of the connector's own needs changing.
     */
    @Override
    public boolean alterOffsets(
            Map<String, String> connectorConfig, Map<org.apache.kafka.common.TopicPartition, Long> offsets) {
        return true;
    }
}
