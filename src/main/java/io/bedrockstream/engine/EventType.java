package io.bedrockstream.engine;

/** The {@code event} field of an output record. */
public enum EventType {
    CHUNK("chunk"),
    COMPLETE("complete"),
    ERROR("error");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
