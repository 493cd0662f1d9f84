package io.bedrockstream.connect;

import io.bedrockstream.Version;
import io.bedrockstream.connect.config.BedrockSourceConfig;
import io.bedrockstream.connect.config.ConfigValidation;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Reads request records from Kafka itself (as MirrorMaker 2's source connector does), calls Bedrock's streaming
 * API once per record and emits every chunk through the worker's producer, so the worker's converters, SMTs
 * and exactly-once source support apply. The connector lists the request partitions once at start and deals
 * them round-robin to the tasks; each task reads its own with {@code assign()}, no consumer group.
 *
 * <p>Transactions: with exactly-once support each {@code poll()} batch is one transaction (the worker's
 * {@code transaction.boundary=poll}, the default). The connector does not define its own boundaries: a
 * request's output spans several polls anyway, and its offset only moves past it once its terminal record is
 * in a batch, so every batch is a safe boundary.
 */
public class BedrockSourceConnector extends SourceConnector {
    private static final Logger log = LoggerFactory.getLogger(BedrockSourceConnector.class);

    private Map<String, String> props;
    private List<TopicPartition> partitions = List.of();

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public ConfigDef config() {
        return BedrockSourceConfig.configDef();
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return ConfigValidation.attachSource(super.validate(connectorConfigs));
    }

    @Override
    public void start(Map<String, String> props) {
        BedrockSourceConfig config = new BedrockSourceConfig(props);
        List<ConfigValidation.Problem> problems = ConfigValidation.checkSource(config.values());
        if (!problems.isEmpty()) {
            throw new ConfigException("Invalid Bedrock source configuration: " + problems.stream()
                    .map(ConfigValidation.Problem::message).collect(Collectors.joining(" ")));
        }
        this.props = Map.copyOf(props);
        this.partitions = listPartitions(config);
        log.info("Bedrock source connector {} reads {} partitions of {}", config.connectorName(), partitions.size(),
                config.sourceTopics());
    }

    private static List<TopicPartition> listPartitions(BedrockSourceConfig config) {
        Map<String, Object> adminConfigs = new HashMap<>();
        Set<String> known = AdminClientConfig.configNames();
        config.consumerConfigs().forEach((k, v) -> {
            if (known.contains(k)) {
                adminConfigs.put(k, v);
            }
        });
        adminConfigs.put(AdminClientConfig.CLIENT_ID_CONFIG, "bedrock-stream-source-" + config.connectorName() + "-admin");
        try (Admin admin = Admin.create(adminConfigs)) {
            Map<String, TopicDescription> topics = admin.describeTopics(config.sourceTopics()).allTopicNames()
                    .get(60, TimeUnit.SECONDS);
            List<TopicPartition> out = new ArrayList<>();
            topics.values().forEach(d -> d.partitions().forEach(p -> out.add(new TopicPartition(d.name(), p.partition()))));
            return out;
        } catch (ExecutionException e) {
            throw new ConnectException("Could not list the partitions of " + config.sourceTopics()
                    + " (do the topics exist, and may the connector describe them?): " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new ConnectException("Timed out listing the partitions of " + config.sourceTopics() + " at "
                    + config.sourceBootstrapServers(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while listing the request partitions", e);
        }
    }

    /**
     * Deals partitions round-robin, ordered by topic then partition, so each task gets a share of every topic;
     * never more tasks than partitions.
     */
    static List<List<TopicPartition>> deal(Collection<TopicPartition> partitions, int maxTasks) {
        List<TopicPartition> sorted = new ArrayList<>(partitions);
        sorted.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        int tasks = Math.min(maxTasks, sorted.size());
        List<List<TopicPartition>> out = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            out.add(new ArrayList<>());
        }
        for (int i = 0; i < sorted.size(); i++) {
            out.get(i % tasks).add(sorted.get(i));
        }
        return out;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return BedrockSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return taskConfigs(props, partitions, maxTasks);
    }

    /** One config per task: the connector's, plus the task's index and its dealt partitions. */
    static List<Map<String, String>> taskConfigs(Map<String, String> props, List<TopicPartition> partitions,
                                                 int maxTasks) {
        List<List<TopicPartition>> dealt = deal(partitions, maxTasks);
        List<Map<String, String>> configs = new ArrayList<>(dealt.size());
        for (int i = 0; i < dealt.size(); i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(BedrockSourceConfig.TASK_INDEX, Integer.toString(i));
            task.put(BedrockSourceConfig.TASK_ASSIGNED_PARTITIONS, BedrockSourceConfig.encodePartitions(dealt.get(i)));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
        return ConnectorTransactionBoundaries.UNSUPPORTED;
    }

    @Override
    public void stop() {
        // nothing to release: tasks own the clients
    }
}
