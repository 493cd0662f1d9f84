package io.bedrockstream.model;

/** A chunk whose bytes are not the JSON object its family sends. */
public class MalformedChunkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedChunkException(String message, Throwable cause) {
        super(message, cause);
    }
}
