package io.bedrockstream.connect;

import java.util.LinkedHashMap;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.apache.kafka.connect.source.SourceTaskContext;

/** The only class that touches Kafka 4.1's plugin metrics API; loaded only when the worker has it. */
final class PluginMetricsBridge {
    private PluginMetricsBridge() {}

    static boolean register(SinkTaskContext context, TaskMetrics metrics) {
        return register(context.pluginMetrics(), metrics);
    }

    static boolean register(SourceTaskContext context, TaskMetrics metrics) {
        return register(context.pluginMetrics(), metrics);
    }

    private static boolean register(PluginMetrics pm, TaskMetrics metrics) {
        if (pm == null) {
            return false;
        }
        metrics.descriptions().forEach((name, description) -> {
            MetricName metricName = pm.metricName(name, description, new LinkedHashMap<>());
            pm.addMetric(metricName, (Gauge<Long>) (config, now) -> metrics.value(name));
        });
        metrics.usePluginMetrics(pm);
        return true;
    }

    private static MetricName backlogName(PluginMetrics pm, org.apache.kafka.common.TopicPartition tp) {
        LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        tags.put("topic", tp.topic());
        tags.put("partition", String.valueOf(tp.partition()));
        return pm.metricName(
                "request-backlog",
                "Unfinished requests behind the committed offset of a request " + "partition.",
                tags);
    }

    static void addBacklog(Object pm, org.apache.kafka.common.TopicPartition tp, java.util.function.LongSupplier v) {
        PluginMetrics metrics = (PluginMetrics) pm;
        metrics.addMetric(backlogName(metrics, tp), (Gauge<Long>) (config, now) -> v.getAsLong());
    }

    static void removeBacklog(Object pm, org.apache.kafka.common.TopicPartition tp) {
        PluginMetrics metrics = (PluginMetrics) pm;
        metrics.removeMetric(backlogName(metrics, tp));
    }
}
