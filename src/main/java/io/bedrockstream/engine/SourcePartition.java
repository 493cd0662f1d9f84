package io.bedrockstream.engine;

/** A source topic partition, as the engine knows it (no Kafka types here). */
public record SourcePartition(String topic, int partition) {}
