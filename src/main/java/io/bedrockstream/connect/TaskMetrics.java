package io.bedrockstream.connect;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's counters, published through Connect's plugin metrics where the worker offers them (Kafka 4.1+,
 * group {@code plugins}) and otherwise as a JMX MBean {@code io.bedrockstream:type=task-metrics,connector=…,task=…}.
 */
public final class TaskMetrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaskMetrics.class);

    final AtomicLong requestsStarted = new AtomicLong();
    final AtomicLong requestsCompleted = new AtomicLong();
    final AtomicLong requestsRetried = new AtomicLong();
    final AtomicLong requestsDeadLettered = new AtomicLong();
    final AtomicLong chunksWritten = new AtomicLong();
    final AtomicLong inputTokens = new AtomicLong();
    final AtomicLong outputTokens = new AtomicLong();
    final AtomicLong lastFirstChunkMs = new AtomicLong(-1);
    final AtomicLong throttledCalls = new AtomicLong();
    final AtomicLong bytesOut = new AtomicLong();
    private final MinuteRate throttledLastMinute = new MinuteRate();
    private final MinuteRate deadLettersLastMinute = new MinuteRate();
    private final AtomicLong firstChunkMsTotal = new AtomicLong();
    private final AtomicLong firstChunkCount = new AtomicLong();

    /** Fixed metrics in definition order; per-partition ones come and go with the assignment. */
    private final Map<String, Metric> metrics = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

    private final Map<org.apache.kafka.common.TopicPartition, String> partitionMetrics =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** The worker's plugin metrics when it has them (Kafka 4.1+), kept as Object so older workers load us. */
    private volatile Object pluginMetrics;

    private ObjectName mbeanName;

    private record Metric(String description, LongSupplier value) {}

    /** What the task knows of its unfinished requests, for the metrics an operator pages on. */
    public interface Backlog {
        /** Requests accepted and not finished. */
        long unfinished();

        /** Age of the oldest unfinished request in milliseconds, 0 when there is none. */
        long oldestAgeMs();

        /** The most unfinished requests behind the committed offset of any one partition. */
        long maxPartitionBacklog();

        /** Unfinished requests behind the committed offset of this partition. */
        long backlogOf(org.apache.kafka.common.TopicPartition partition);
    }

    private final Backlog backlog;
    private final LongSupplier effectiveLimit;

    public TaskMetrics(Backlog backlog, LongSupplier effectiveLimit) {
        this(backlog, effectiveLimit, () -> 0, () -> 0, () -> 0);
    }

    /**
     * @param tokensReserved tokens reserved now against rate.tokens.per.minute by calls running
     * @param tokensSettled  tokens calls used of it (input + output × weight) since the task started
     * @param learnedBudget  the tokens-per-minute budget learned from token throttles, 0 before the first
     */
    public TaskMetrics(
            Backlog backlog,
            LongSupplier effectiveLimit,
            LongSupplier tokensReserved,
            LongSupplier tokensSettled,
            LongSupplier learnedBudget) {
        this.backlog = backlog;
        this.effectiveLimit = effectiveLimit;
        define("in-flight-requests", "Requests accepted and not yet finished.", backlog::unfinished);
        define(
                "oldest-unfinished-request-age-ms",
                "Age of the oldest request accepted and not yet finished, in " + "milliseconds (0 when none).",
                backlog::oldestAgeMs);
        define(
                "request-backlog-max-partition",
                "The most unfinished requests behind the committed offset of any " + "one request partition.",
                backlog::maxPartitionBacklog);
        define("effective-concurrency-limit", "The adaptive in-flight limit after throttling.", effectiveLimit);
        define("requests-started-total", "Requests accepted from the request topics.", requestsStarted::get);
        define(
                "requests-completed-total",
                "Requests whose complete terminal record was written.",
                requestsCompleted::get);
        define("requests-retried-total", "Attempts that were retried.", requestsRetried::get);
        define("requests-dead-lettered-total", "Requests sent to the dead-letter topic.", requestsDeadLettered::get);
        define(
                "dead-letters-last-minute",
                "Requests sent to the dead-letter topic in the last 60 seconds.",
                deadLettersLastMinute::lastMinute);
        define("throttled-calls-total", "Invocations Bedrock throttled.", throttledCalls::get);
        define(
                "throttled-calls-last-minute",
                "Invocations Bedrock throttled in the last 60 seconds.",
                throttledLastMinute::lastMinute);
        define(
                "bytes-out-total",
                "Bytes of output, completion and dead-letter records acknowledged by the broker "
                        + "(serialised keys and values).",
                bytesOut::get);
        define("chunks-written-total", "Chunk records written to the output topic.", chunksWritten::get);
        define("input-tokens-total", "Input tokens reported by completed invocations.", inputTokens::get);
        define("output-tokens-total", "Output tokens reported by completed invocations.", outputTokens::get);
        define(
                "quota-tokens-reserved",
                "Tokens reserved now against rate.tokens.per.minute by running calls "
                        + "(input estimate + max tokens each), or against the learned budget (rate.tokens.learn); 0 with "
                        + "neither.",
                tokensReserved);
        define(
                "quota-tokens-settled-total",
                "Tokens calls used of rate.tokens.per.minute when they ended (input + "
                        + "output x weight), or of the learned budget; 0 with neither.",
                tokensSettled);
        define(
                "quota-tokens-learned-budget",
                "The tokens-per-minute budget this task learned from Bedrock's \"Too many tokens\" "
                        + "throttles while rate.tokens.per.minute is unset (rate.tokens.learn); 0 until the first one "
                        + "(nothing is limited until then), and 0 when rate.tokens.per.minute is set.",
                learnedBudget);
        define(
                "time-to-first-chunk-avg-ms",
                "Average time from invocation start to its first chunk.",
                this::firstChunkAvg);
        define(
                "time-to-first-chunk-last-ms",
                "Time from invocation start to first chunk, last invocation.",
                lastFirstChunkMs::get);
    }

    private void define(String name, String description, LongSupplier value) {
        metrics.put(name, new Metric(description, value));
    }

    /**
     * Publishes {@code request-backlog} for each partition (a plugin metric tagged with topic and partition, or
     * the JMX attribute {@code request-backlog-<topic>-<partition>}), and withdraws those of partitions gone.
     */
    void trackPartitions(java.util.Collection<org.apache.kafka.common.TopicPartition> now) {
        for (org.apache.kafka.common.TopicPartition tp : java.util.List.copyOf(partitionMetrics.keySet())) {
            if (!now.contains(tp)) {
                metrics.remove(partitionMetrics.remove(tp));
                Object pm = pluginMetrics;
                if (pm != null) {
                    PluginMetricsBridge.removeBacklog(pm, tp);
                }
            }
        }
        for (org.apache.kafka.common.TopicPartition tp : now) {
            if (partitionMetrics.containsKey(tp)) {
                continue;
            }
            String name = "request-backlog-" + tp.topic() + "-" + tp.partition();
            partitionMetrics.put(tp, name);
            LongSupplier value = () -> backlog.backlogOf(tp);
            metrics.put(name, new Metric("Unfinished requests behind the committed offset of " + tp + ".", value));
            Object pm = pluginMetrics;
            if (pm != null) {
                PluginMetricsBridge.addBacklog(pm, tp, value);
            }
        }
    }

    void recordThrottled() {
        throttledCalls.incrementAndGet();
        throttledLastMinute.record();
    }

    void recordDeadLetter() {
        requestsDeadLettered.incrementAndGet();
        deadLettersLastMinute.record();
    }

    void recordBytesOut(long bytes) {
        if (bytes > 0) {
            bytesOut.addAndGet(bytes);
        }
    }

    /**
     * One line on the task's state, added to the error that fails a task so that its status trace shows it:
     * what ran, what failed, what is stuck.
     */
    String healthSummary() {
        return "Task health: " + requestsStarted.get() + " requests accepted, " + requestsCompleted.get()
                + " completed, " + requestsDeadLettered.get() + " dead-lettered (" + deadLettersLastMinute.lastMinute()
                + " in the last minute), " + backlog.unfinished() + " unfinished (oldest "
                + backlog.oldestAgeMs() / 1000 + " s, at most " + backlog.maxPartitionBacklog() + " in one partition), "
                + throttledLastMinute.lastMinute() + " throttled calls in the last minute, concurrency limit "
                + effectiveLimit.getAsLong() + ".";
    }

    /** The error with {@link #healthSummary()} on its own line, once. */
    org.apache.kafka.connect.errors.ConnectException withHealth(org.apache.kafka.connect.errors.ConnectException e) {
        if (e.getMessage() != null && e.getMessage().contains("\nTask health: ")) {
            return e;
        }
        return new org.apache.kafka.connect.errors.ConnectException(e.getMessage() + "\n" + healthSummary(), e);
    }

    public void recordFirstChunk(long millis) {
        lastFirstChunkMs.set(millis);
        firstChunkMsTotal.addAndGet(millis);
        firstChunkCount.incrementAndGet();
    }

    private long firstChunkAvg() {
        long n = firstChunkCount.get();
        return n == 0 ? -1 : firstChunkMsTotal.get() / n;
    }

    /** Current values by metric name (for tests and logs). */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        synchronized (metrics) {
            metrics.forEach((name, m) -> out.put(name, m.value().getAsLong()));
        }
        return out;
    }

    /**
     * Registers with the worker's plugin metrics; returns false when the worker predates Kafka 4.1. The
     * 4.1 types are touched only inside {@link PluginMetricsBridge}, so this class loads on older workers.
     */
    public boolean registerWith(org.apache.kafka.connect.sink.SinkTaskContext context) {
        try {
            return PluginMetricsBridge.register(context, this);
        } catch (LinkageError | UnsupportedOperationException e) {
            return false;
        }
    }

    /** As {@link #registerWith(org.apache.kafka.connect.sink.SinkTaskContext)}, for a source task. */
    public boolean registerWith(org.apache.kafka.connect.source.SourceTaskContext context) {
        try {
            return PluginMetricsBridge.register(context, this);
        } catch (LinkageError | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The fixed metrics (per-partition ones are published as the assignment changes). */
    Map<String, String> descriptions() {
        Map<String, String> out = new LinkedHashMap<>();
        synchronized (metrics) {
            metrics.forEach((name, m) -> {
                if (!partitionMetrics.containsValue(name)) {
                    out.put(name, m.description());
                }
            });
        }
        return out;
    }

    void usePluginMetrics(Object pm) {
        pluginMetrics = pm;
    }

    long value(String name) {
        return metrics.get(name).value().getAsLong();
    }

    /** Registers with the worker's plugin metrics where it has them, else as a JMX MBean. */
    public void register(
            org.apache.kafka.connect.sink.SinkTaskContext context,
            io.bedrockstream.connect.config.BedrockConnectorConfig config) {
        if (!registerWith(context)) {
            registerMBean(config.connectorName(), String.valueOf(config.taskIndex()));
        }
    }

    /** As {@link #register(org.apache.kafka.connect.sink.SinkTaskContext, io.bedrockstream.connect.config.BedrockConnectorConfig)}, for a source task. */
    public void register(
            org.apache.kafka.connect.source.SourceTaskContext context,
            io.bedrockstream.connect.config.BedrockConnectorConfig config) {
        if (!registerWith(context)) {
            registerMBean(config.connectorName(), String.valueOf(config.taskIndex()));
        }
    }

    /** JMX fallback for workers without plugin metrics. */
    public void registerMBean(String connector, String task) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("io.bedrockstream:type=task-metrics,connector="
                    + ObjectName.quote(connector) + ",task=" + ObjectName.quote(task));
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(new Bean(), name);
            mbeanName = name;
        } catch (Exception e) {
            log.warn("Could not register task metrics MBean: {}", e.toString());
        }
    }

    @Override
    public void close() {
        if (mbeanName != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(mbeanName);
            } catch (Exception e) {
                log.debug("MBean already gone: {}", e.toString());
            }
            mbeanName = null;
        }
    }

    private final class Bean implements DynamicMBean {
        @Override
        public Object getAttribute(String attribute) {
            Metric m = metrics.get(attribute);
            return m == null ? null : m.value().getAsLong();
        }

        @Override
        public void setAttribute(Attribute attribute) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public AttributeList getAttributes(String[] attributes) {
            AttributeList list = new AttributeList();
            for (String a : attributes) {
                list.add(new Attribute(a, getAttribute(a)));
            }
            return list;
        }

        @Override
        public AttributeList setAttributes(AttributeList attributes) {
            return new AttributeList();
        }

        @Override
        public Object invoke(String actionName, Object[] params, String[] signature) {
            throw new UnsupportedOperationException("no operations");
        }

        @Override
        public MBeanInfo getMBeanInfo() {
            MBeanAttributeInfo[] attrs;
            synchronized (metrics) {
                attrs = metrics.entrySet().stream()
                        .map(e -> new MBeanAttributeInfo(
                                e.getKey(), "long", e.getValue().description(), true, false, false))
                        .toArray(MBeanAttributeInfo[]::new);
            }
            return new MBeanInfo(TaskMetrics.class.getName(), "Bedrock stream task metrics", attrs, null, null, null);
        }
    }
}
