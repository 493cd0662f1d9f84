package io.bedrockstream.request;

/**
 * Where a request record came from: its original topic, partition and offset. The one value the tasks key
 * their pending requests by, the offset tracker counts, and errors and logs name a request record with.
 */
public record SourceCoordinates(String topic, int partition, long offset) {

    /** The request id of a record without one of its own, as {@code request.id.source=offset} spells it. */
    public String requestId() {
        return topic + "-" + partition + "-" + offset;
    }

    /** {@code topic-partition@offset}, as logs and errors name a request record. */
    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
