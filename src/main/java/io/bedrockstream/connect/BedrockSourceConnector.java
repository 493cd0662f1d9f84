package io.bedrockstream.connect;

import io.bedrockstream.Version;
import io.bedrockstream.connect.config.BedrockSourceConfig;
import io.bedrockstream.connect.config.ConfigValidation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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

/**
 * Reads request records from Kafka itself (as MirrorMaker 2's source connector does), calls Bedrock's streaming
 * API once per record and emits every chunk through the worker's producer, so the worker's converters, SMTs
 * and exactly-once source support apply. The connector lists the request partitions at start and again every
 * {@code source.refresh.interval.ms}, asking the worker to reconfigure the tasks when they change, and deals
 * them round-robin to the tasks; each task reads its own with {@code assign()}, no consumer group.
 *
 * <p>Transactions: with exactly-once support each {@code poll()} batch is one transaction (the worker's
 * {@code transaction.boundary=poll}, the default). The connector does not define its own boundaries: a
 * request's output spans several polls anyway, and its offset only moves past it once its terminal record is
 * in a batch, so every batch is a safe boundary. Exactly-once holds only while request records are read
 * {@code read_committed} (the default): with {@code source.consumer.isolation.level=read_uncommitted} a request
 * a producer later aborts would be run, so the connector then answers UNSUPPORTED.
 */
public class BedrockSourceConnector extends SourceConnector {
    private static final Logger log = LoggerFactory.getLogger(BedrockSourceConnector.class);

    private Map<String, String> props;
    private volatile List<TopicPartition> partitions = List.of();
    private RequestPartitions requestPartitions;
    private ScheduledExecutorService refresher;

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
            throw new ConfigException("Invalid Bedrock source configuration: "
                    + problems.stream().map(ConfigValidation.Problem::message).collect(Collectors.joining(" ")));
        }
        this.props = Map.copyOf(props);
        requestPartitions = new RequestPartitions(config);
        this.partitions = requestPartitions.list();
        log.info(
                "Bedrock source connector {} reads {} partitions of {}",
                config.connectorName(),
                partitions.size(),
                requestPartitions.describe());
        long refreshMs = config.refreshInterval().toMillis();
        if (refreshMs > 0) {
            refresher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "bedrock-source-refresh-" + config.connectorName());
                t.setDaemon(true);
                return t;
            });
            refresher.scheduleWithFixedDelay(this::refresh, refreshMs, refreshMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Lists the request partitions again; when they changed, the worker reconfigures the tasks. */
    void refresh() {
        try {
            List<TopicPartition> now = requestPartitions.list();
            Set<TopicPartition> before = new HashSet<>(partitions);
            Set<TopicPartition> after = new HashSet<>(now);
            if (after.equals(before)) {
                return;
            }
            Set<TopicPartition> added = new HashSet<>(after);
            added.removeAll(before);
            Set<TopicPartition> removed = new HashSet<>(before);
            removed.removeAll(after);
            log.info("Request partitions changed (added {}, gone {}); reconfiguring the tasks", added, removed);
            partitions = now;
            context.requestTaskReconfiguration();
        } catch (RuntimeException e) {
            log.warn("Could not list the request partitions again; trying at the next refresh", e);
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
    static List<Map<String, String>> taskConfigs(
            Map<String, String> props, List<TopicPartition> partitions, int maxTasks) {
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
        Object isolation =
                connectorConfig.get(BedrockSourceConfig.SOURCE_CONSUMER_PREFIX + ConsumerConfig.ISOLATION_LEVEL_CONFIG);
        return isolation != null
                        && "read_uncommitted"
                                .equalsIgnoreCase(isolation.toString().trim())
                ? ExactlyOnceSupport.UNSUPPORTED
                : ExactlyOnceSupport.SUPPORTED;
    }

    /**
     * Checks offsets given to the worker's offsets REST API (KIP-875) before they are written: the partition
     * must be {@code {"topic": string, "partition": int >= 0}} and the offset null (reset) or
     * {@code {"offset": long >= 0}} with an optional {@code "done"} list of ranges past it.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        for (Map.Entry<Map<String, ?>, Map<String, ?>> e : offsets.entrySet()) {
            checkPartition(e.getKey());
            if (e.getValue() != null) {
                checkOffset(e.getKey(), e.getValue());
            }
        }
        return true;
    }

    private static void checkPartition(Map<String, ?> partition) {
        if (partition == null
                || !(partition.get(BedrockSourceTask.PARTITION_TOPIC) instanceof String topic)
                || topic.isBlank()
                || !(partition.get(BedrockSourceTask.PARTITION_NUMBER) instanceof Number n)
                || n.intValue() < 0
                || n.doubleValue() != n.intValue()
                || partition.size() != 2) {
            throw new ConnectException("A source partition of this connector is {\"" + BedrockSourceTask.PARTITION_TOPIC
                    + "\": \"<request topic>\", \"" + BedrockSourceTask.PARTITION_NUMBER
                    + "\": <partition, 0 or more>}; "
                    + "got " + partition);
        }
    }

    private static void checkOffset(Map<String, ?> partition, Map<String, ?> offset) {
        Object next = offset.get(SourceOffsets.OFFSET);
        if (!(next instanceof Number n) || n.longValue() < 0 || n.doubleValue() != n.longValue()) {
            throw new ConnectException("The offset of " + partition + " must be {\"" + SourceOffsets.OFFSET
                    + "\": <next request offset to read, 0 or more>} with an optional \"" + SourceOffsets.OFFSET_DONE
                    + "\" (ranges of requests past it that are done, e.g. \"5-9,12\"), or null to reset; got "
                    + offset);
        }
        for (String key : offset.keySet()) {
            if (!key.equals(SourceOffsets.OFFSET) && !key.equals(SourceOffsets.OFFSET_DONE)) {
                throw new ConnectException("The offset of " + partition + " has an unknown field '" + key + "'; only \""
                        + SourceOffsets.OFFSET + "\" and \"" + SourceOffsets.OFFSET_DONE + "\" are read");
            }
        }
        Object done = offset.get(SourceOffsets.OFFSET_DONE);
        if (done != null) {
            java.util.TreeMap<Long, Long> ranges;
            try {
                ranges = SourceOffsets.parseRanges(done);
            } catch (IllegalArgumentException e) {
                throw new ConnectException("The offset of " + partition + ": " + e.getMessage(), e);
            }
            if (!ranges.isEmpty() && ranges.firstKey() < n.longValue()) {
                throw new ConnectException("The offset of " + partition + ": every \"" + SourceOffsets.OFFSET_DONE
                        + "\" range must lie past \"" + SourceOffsets.OFFSET + "\" (" + n.longValue() + "), got "
                        + done);
            }
        }
    }

    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
        return ConnectorTransactionBoundaries.UNSUPPORTED;
    }

    @Override
    public void stop() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
        if (requestPartitions != null) {
            requestPartitions.close();
        }
    }
}
