package io.bedrockstream.streams;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.bedrockstream.contract.ChunkField;
import java.lang.reflect.RecordComponent;

/**
 * One record of the connector's output topic: a chunk or an invocation's terminal, field for field as the
 * contract's one definition, {@link ChunkField}, lists them (the JSON names are the components' names in snake
 * case). Fields that do not apply to the event are null. This class checks, when it loads, that its components
 * are exactly the contract's fields in order and with their types, so the two cannot drift apart.
 *
 * <p>The required fields ({@link ChunkField#required()}) are checked by {@link ChunkRecordSerde}, so that a JSON
 * value which is not an output record at all is rejected rather than read as a chunk with seq 0.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
// isChunk() and the like are not properties: "chunk" is the raw chunk component
@JsonAutoDetect(isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChunkRecord(
        String requestId,
        String invocationId,
        int attempt,
        long seq,
        String event,
        String modelId,
        String text,
        String chunk,
        String stopReason,
        Long inputTokens,
        Long outputTokens,
        Long firstByteLatencyMs,
        Long invocationLatencyMs,
        String errorType,
        String errorMessage,
        Integer originalStatusCode,
        String originalMessage,
        Boolean retrying,
        String sourceTopic,
        Integer sourcePartition,
        Long sourceOffset,
        // record contract version 2: ConverseStream records only; null on InvokeModel records and version-1 writers
        Integer blockIndex,
        String deltaType,
        String toolUseId,
        String toolName,
        Long cacheReadInputTokens,
        Long cacheWriteInputTokens,
        Long latencyMs,
        String serviceTier,
        String guardrailTrace,
        // how many deltas a coalesced chunk holds (output.chunk.coalesce.*); null when it holds one
        Integer deltas) {

    /** A version-1 record holding one delta. */
    public ChunkRecord(
            String requestId,
            String invocationId,
            int attempt,
            long seq,
            String event,
            String modelId,
            String text,
            String chunk,
            String stopReason,
            Long inputTokens,
            Long outputTokens,
            Long firstByteLatencyMs,
            Long invocationLatencyMs,
            String errorType,
            String errorMessage,
            Integer originalStatusCode,
            String originalMessage,
            Boolean retrying,
            String sourceTopic,
            Integer sourcePartition,
            Long sourceOffset) {
        this(
                requestId,
                invocationId,
                attempt,
                seq,
                event,
                modelId,
                text,
                chunk,
                stopReason,
                inputTokens,
                outputTokens,
                firstByteLatencyMs,
                invocationLatencyMs,
                errorType,
                errorMessage,
                originalStatusCode,
                originalMessage,
                retrying,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    public static final String CHUNK = ChunkField.EVENT_CHUNK;
    public static final String COMPLETE = ChunkField.EVENT_COMPLETE;
    public static final String ERROR = ChunkField.EVENT_ERROR;

    static {
        checkAgainstTheContract();
    }

    private static void checkAgainstTheContract() {
        RecordComponent[] components = ChunkRecord.class.getRecordComponents();
        if (components.length != ChunkField.all().size()) {
            throw new IllegalStateException("ChunkRecord has " + components.length + " components, the contract "
                    + ChunkField.all().size() + " fields");
        }
        for (int i = 0; i < components.length; i++) {
            ChunkField f = ChunkField.all().get(i);
            Class<?> t = components[i].getType();
            Class<?> expected = switch (f.type()) {
                case STRING -> String.class;
                case INT32 -> f.required() ? int.class : Integer.class;
                case INT64 -> f.required() ? long.class : Long.class;
                case BOOLEAN -> f.required() ? boolean.class : Boolean.class;
            };
            boolean nameMatches = components[i].getName().equals(f.javaName());
            if (!nameMatches || !t.equals(expected)) {
                throw new IllegalStateException("ChunkRecord component " + i + " is " + t.getSimpleName() + " "
                        + components[i].getName() + ", the contract's field " + f.wireName() + " wants "
                        + expected.getSimpleName() + " " + f.javaName());
            }
        }
    }

    public boolean isChunk() {
        return CHUNK.equals(event);
    }

    public boolean isComplete() {
        return COMPLETE.equals(event);
    }

    public boolean isError() {
        return ERROR.equals(event);
    }

    /** A chunk at {@code seq} of an invocation, with only the fields a chunk carries. */
    public static ChunkRecord chunk(
            String requestId,
            String invocationId,
            int attempt,
            long seq,
            String modelId,
            String text,
            String chunk,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset) {
        return new ChunkRecord(
                requestId,
                invocationId,
                attempt,
                seq,
                CHUNK,
                modelId,
                text,
                chunk,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                sourceTopic,
                sourcePartition,
                sourceOffset);
    }

    /** A ConverseStream delta at {@code seq}: its block, kind and (tool deltas) tool id and name. */
    public static ChunkRecord delta(
            String requestId,
            String invocationId,
            int attempt,
            long seq,
            String modelId,
            int blockIndex,
            String deltaType,
            String toolUseId,
            String toolName,
            String text,
            String chunk,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset) {
        return new ChunkRecord(
                requestId,
                invocationId,
                attempt,
                seq,
                CHUNK,
                modelId,
                text,
                chunk,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                sourceTopic,
                sourcePartition,
                sourceOffset,
                blockIndex,
                deltaType,
                toolUseId,
                toolName,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /** The {@code complete} terminal at {@code seq} (= the number of chunks). */
    public static ChunkRecord complete(
            String requestId,
            String invocationId,
            int attempt,
            long seq,
            String modelId,
            String stopReason,
            Long inputTokens,
            Long outputTokens,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset) {
        return new ChunkRecord(
                requestId,
                invocationId,
                attempt,
                seq,
                COMPLETE,
                modelId,
                null,
                null,
                stopReason,
                inputTokens,
                outputTokens,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                sourceTopic,
                sourcePartition,
                sourceOffset);
    }

    /** The {@code error} terminal at {@code seq}; {@code retrying} says whether another attempt follows. */
    public static ChunkRecord error(
            String requestId,
            String invocationId,
            int attempt,
            long seq,
            String modelId,
            String errorType,
            String errorMessage,
            boolean retrying,
            String sourceTopic,
            int sourcePartition,
            long sourceOffset) {
        return new ChunkRecord(
                requestId,
                invocationId,
                attempt,
                seq,
                ERROR,
                modelId,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                errorType,
                errorMessage,
                null,
                null,
                retrying,
                sourceTopic,
                sourcePartition,
                sourceOffset);
    }
}
