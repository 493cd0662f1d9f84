package io.bedrockstream.connect;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the output topics when they do not exist yet, with the cluster's default partitions and replication,
 * as Connect does for a dead-letter topic. Brokers usually refuse auto-creation; a user who manages topics
 * (or lacks the ACL) gets a warning and the producer's own error if the topic is really missing.
 */
final class OutputTopics {
    private static final Logger log = LoggerFactory.getLogger(OutputTopics.class);

    private OutputTopics() {}

    static void ensureExist(Map<String, Object> producerConfigs, List<String> topics) {
        Map<String, Object> adminConfigs = new HashMap<>();
        Set<String> known = AdminClientConfig.configNames();
        producerConfigs.forEach((k, v) -> {
            if (known.contains(k)) {
                adminConfigs.put(k, v);
            }
        });
        adminConfigs.put(AdminClientConfig.CLIENT_ID_CONFIG, producerConfigs.get("client.id") + "-admin");
        try (Admin admin = Admin.create(adminConfigs)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            Set<String> missing = new LinkedHashSet<>(topics);
            missing.removeAll(existing);
            for (String topic : missing) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
                            .all()
                            .get(30, TimeUnit.SECONDS);
                    log.info("Created output topic {}", topic);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        log.warn(
                                "Could not create output topic {} ({}); create it before writing to it",
                                topic,
                                e.getCause().toString());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn(
                    "Could not check the output topics {} ({}); they must exist before output is written",
                    topics,
                    e.toString());
        }
    }
}
