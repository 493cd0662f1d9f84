package io.bedrockstream.connect;

import java.util.Map;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;

/**
 * Whether a source record the task hands to Connect, or a sink's dead letter, would be refused by the worker's
 * producer for its size, which would fail the task on every restart. The worker converts records with converters the task cannot see,
 * so the size is measured the way the largest common format writes it: JSON with its schema envelope. The limit
 * is {@code producer.override.max.request.size} when the connector sets it, else Kafka's default of 1 MiB.
 */
final class OutputSizes {
    static final String MAX_REQUEST_SIZE_OVERRIDE = "producer.override.max.request.size";
    static final int KAFKA_DEFAULT_MAX_REQUEST_SIZE = 1_048_576;
    /** Record framing and batch header room that max.request.size also has to hold. */
    private static final int OVERHEAD = 512;

    private final long limit;
    private final JsonConverter keys = new JsonConverter();
    private final JsonConverter values = new JsonConverter();
    private final SimpleHeaderConverter headers = new SimpleHeaderConverter();

    OutputSizes(long limit) {
        this.limit = limit;
        keys.configure(Map.of("schemas.enable", "true"), true);
        values.configure(Map.of("schemas.enable", "true"), false);
        headers.configure(Map.of());
    }

    static OutputSizes of(Map<String, String> connectorProps) {
        String v = connectorProps.get(MAX_REQUEST_SIZE_OVERRIDE);
        long limit = KAFKA_DEFAULT_MAX_REQUEST_SIZE;
        if (v != null && !v.isBlank()) {
            try {
                limit = Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                // the worker validates its producer settings itself
            }
        }
        return new OutputSizes(limit);
    }

    /** @return null if the record fits, else why it does not ("is N bytes, more than …") */
    String tooLarge(SourceRecord r) {
        long size = OVERHEAD
                + length(keys.fromConnectData(r.topic(), r.keySchema(), r.key()))
                + length(values.fromConnectData(r.topic(), r.valueSchema(), r.value()));
        for (Header h : r.headers()) {
            size += h.key().length() + length(headers.fromConnectHeader(r.topic(), h.key(), h.schema(), h.value()));
        }
        return size <= limit
                ? null
                : "is about " + size + " bytes, more than the worker producer's max.request.size (" + limit + "; set "
                        + MAX_REQUEST_SIZE_OVERRIDE + " on the connector to raise it)";
    }

    /**
     * Whether a record value alone, as the request topic held it, leaves too little of max.request.size for a
     * dead letter's key and Connect's error headers (64 KiB are kept for them). Values of other types are
     * not measured.
     */
    boolean valueTooLarge(Object value) {
        long size = value instanceof byte[] b
                ? b.length
                : value instanceof String s ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length : 0;
        return size > limit - 65_536;
    }

    private static int length(byte[] b) {
        return b == null ? 0 : b.length;
    }
}
