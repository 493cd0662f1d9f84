package io.bedrockstream.connect;

import io.bedrockstream.Version;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

import java.util.Collection;
import java.util.Map;

/** Runs the requests of its assigned partitions through the engine and writes their output. */
public class BedrockSinkTask extends SinkTask {

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        // task logic lands with the sink issue
    }

    @Override
    public void put(Collection<SinkRecord> records) {
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        return Map.of();
    }

    @Override
    public void stop() {
    }
}
