package io.bedrockstream.connect;

import io.bedrockstream.connect.config.BedrockSourceConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the source connector's request partitions: those of {@code source.topics}, or of every topic matching
 * {@code source.topics.regex} except internal topics and the connector's own output. A listed topic that does
 * not exist contributes nothing (it may be created later, or have been deleted). Owns its Admin client.
 */
final class RequestPartitions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RequestPartitions.class);
    private static final long TIMEOUT_S = 60;

    private final Admin admin;
    private final List<String> topics;
    private final Pattern regex;
    private final Set<String> ownTopics = new HashSet<>();

    RequestPartitions(BedrockSourceConfig config) {
        this(Admin.create(adminConfigs(config)), config);
    }

    RequestPartitions(Admin admin, BedrockSourceConfig config) {
        this.admin = admin;
        this.topics = config.sourceTopics();
        this.regex = config.sourceTopicsRegex().orElse(null);
        ownTopics.add(config.outputTopic());
        config.completionsTopic().ifPresent(ownTopics::add);
        config.dlqTopic().ifPresent(ownTopics::add);
    }

    private static Map<String, Object> adminConfigs(BedrockSourceConfig config) {
        Map<String, Object> adminConfigs = new HashMap<>();
        Set<String> known = AdminClientConfig.configNames();
        config.consumerConfigs().forEach((k, v) -> {
            if (known.contains(k)) {
                adminConfigs.put(k, v);
            }
        });
        adminConfigs.put(
                AdminClientConfig.CLIENT_ID_CONFIG, "bedrock-stream-source-" + config.connectorName() + "-admin");
        return adminConfigs;
    }

    /** What is selected: the topic list, or the pattern. */
    String describe() {
        return regex == null ? topics.toString() : "topics matching " + regex.pattern();
    }

    /** The request partitions now, sorted by topic then partition. */
    List<TopicPartition> list() {
        try {
            Collection<String> names = regex == null ? topics : matching();
            Map<String, KafkaFuture<TopicDescription>> described =
                    admin.describeTopics(names).topicNameValues();
            List<TopicPartition> out = new ArrayList<>();
            for (String name : new TreeSet<>(described.keySet())) {
                try {
                    TopicDescription d = described.get(name).get(TIMEOUT_S, TimeUnit.SECONDS);
                    d.partitions().forEach(p -> out.add(new TopicPartition(name, p.partition())));
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                    log.warn("Request topic {} does not exist; it is read once it does", name);
                }
            }
            return out;
        } catch (ExecutionException e) {
            throw new ConnectException(
                    "Could not list the partitions of " + describe() + " (may the connector " + "describe them?): "
                            + e.getCause(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new ConnectException("Timed out listing the partitions of " + describe(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while listing the request partitions", e);
        }
    }

    private Collection<String> matching() throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> names = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (!name.startsWith("_")
                    && !ownTopics.contains(name)
                    && regex.matcher(name).matches()) {
                out.add(name);
            }
        }
        return out;
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
