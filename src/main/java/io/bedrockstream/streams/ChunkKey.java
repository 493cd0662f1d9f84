package io.bedrockstream.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the chunk store: length-prefixed invocation id, then the seq big-endian. Byte order is then
 * (invocation, seq) order, so one invocation's chunks are one range scan in seq order, and no invocation
 * id can fall inside another's range.
 */
final class ChunkKey {
    private ChunkKey() {}

    static Bytes of(String invocationId, long seq) {
        byte[] id = invocationId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Integer.BYTES + id.length + Long.BYTES)
                .putInt(id.length)
                .put(id)
                .putLong(seq)
                .array());
    }

    static Bytes first(String invocationId) {
        return of(invocationId, 0);
    }

    /** Seqs are never negative, so Long.MAX_VALUE is the largest key of the invocation. */
    static Bytes last(String invocationId) {
        return of(invocationId, Long.MAX_VALUE);
    }
}
