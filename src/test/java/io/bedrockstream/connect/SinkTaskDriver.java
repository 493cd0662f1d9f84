package io.bedrockstream.connect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * Drives a sink task the way Connect's WorkerSinkTask does, over Kafka's MockConsumer, for unit tests: the
 * task context keeps its own record of partitions the task paused (as WorkerSinkTaskContext does), a revocation
 * commits what preCommit returns and then closes the partitions, and an assignment re-pauses the partitions in
 * that record before it opens them (WorkerSinkTask.HandleRebalance). Records are handed to put() as Connect
 * would after a poll: only from partitions that are assigned and not paused, from the consumer's position.
 */
final class SinkTaskDriver implements SinkTaskContext {
    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    final Set<TopicPartition> pausedByTask = new HashSet<>();
    final Map<TopicPartition, Long> committed = new HashMap<>();
    final Map<TopicPartition, List<String>> log = new HashMap<>();
    private final Map<String, String> configs;
    ErrantRecordReporter reporter;
    long timeout = -1;

    SinkTaskDriver(Map<String, String> configs) {
        this.configs = configs;
    }

    void append(TopicPartition tp, String key, String value) {
        log.computeIfAbsent(tp, p -> new ArrayList<>()).add(key + "\u0000" + value);
    }

    /** Assigns partitions as a rebalance does: positions from committed offsets, task's pauses re-applied. */
    void assign(SinkTask task, Collection<TopicPartition> partitions) {
        Set<TopicPartition> now = new HashSet<>(consumer.assignment());
        now.addAll(partitions);
        consumer.assign(now);
        for (TopicPartition tp : partitions) {
            consumer.seek(tp, committed.getOrDefault(tp, 0L));
        }
        pausedByTask.retainAll(consumer.assignment());
        consumer.pause(pausedByTask);
        task.open(partitions);
    }

    /** Revokes partitions as an eager rebalance does: commit what preCommit returns, then close them. */
    void revoke(SinkTask task, Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
        for (TopicPartition tp : partitions) {
            current.put(tp, new OffsetAndMetadata(consumer.position(tp)));
        }
        task.preCommit(current).forEach((tp, o) -> {
            if (partitions.contains(tp)) {
                committed.put(tp, o.offset());
            }
        });
        task.close(partitions);
        Set<TopicPartition> left = new HashSet<>(consumer.assignment());
        left.removeAll(partitions);
        consumer.assign(left);
    }

    /** One poll: the records of readable partitions from their positions, at most {@code max} each, to put(). */
    void poll(SinkTask task, int max) {
        List<SinkRecord> batch = new ArrayList<>();
        for (TopicPartition tp : consumer.assignment()) {
            if (consumer.paused().contains(tp)) {
                continue;
            }
            List<String> records = log.getOrDefault(tp, List.of());
            long pos = consumer.position(tp);
            int n = 0;
            for (long o = pos; o < records.size() && n < max; o++, n++) {
                String[] kv = records.get((int) o).split("\u0000", 2);
                batch.add(new SinkRecord(
                        tp.topic(),
                        tp.partition(),
                        Schema.STRING_SCHEMA,
                        kv[0],
                        Schema.STRING_SCHEMA,
                        kv[1],
                        o,
                        0L,
                        TimestampType.CREATE_TIME));
            }
            consumer.seek(tp, pos + n);
        }
        task.put(batch);
    }

    /** A periodic offset commit. */
    void commit(SinkTask task) {
        Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            current.put(tp, new OffsetAndMetadata(consumer.position(tp)));
        }
        task.preCommit(current).forEach((tp, o) -> committed.put(tp, o.offset()));
    }

    @Override
    public Map<String, String> configs() {
        return configs;
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        offsets.forEach(consumer::seek);
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        consumer.seek(tp, offset);
    }

    @Override
    public void timeout(long timeoutMs) {
        timeout = timeoutMs;
    }

    @Override
    public Set<TopicPartition> assignment() {
        return consumer.assignment();
    }

    @Override
    public void pause(TopicPartition... partitions) {
        pausedByTask.addAll(List.of(partitions));
        consumer.pause(List.of(partitions));
    }

    @Override
    public void resume(TopicPartition... partitions) {
        List.of(partitions).forEach(pausedByTask::remove);
        consumer.resume(List.of(partitions));
    }

    @Override
    public void requestCommit() {}

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        return reporter;
    }

    @Override
    public PluginMetrics pluginMetrics() {
        throw new UnsupportedOperationException("no plugin metrics in unit tests");
    }
}
