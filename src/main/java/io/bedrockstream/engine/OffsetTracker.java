package io.bedrockstream.engine;

import io.bedrockstream.request.SourceCoordinates;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Which source offsets may be committed. Requests finish in any order, but a partition's commit may only
 * pass offsets whose requests are all done. Only registered offsets count, so gaps in a partition (compacted
 * topics, transaction markers) never hold progress back. Per partition the registered offsets sit in an
 * ArrayDeque in order and the unfinished ones in a hash set; the commit point moves past the deque's head
 * while the head is finished, so every call is O(1) amortised however many are pending. Thread-safe.
 */
public final class OffsetTracker {

    private final Map<SourcePartition, PartitionOffsets> partitions = new HashMap<>();
    private int pendingTotal;

    /** Offsets of one partition must be registered in increasing order. */
    public synchronized void register(SourceCoordinates at) {
        partitions
                .computeIfAbsent(new SourcePartition(at.topic(), at.partition()), p -> new PartitionOffsets())
                .register(at.offset());
        pendingTotal++;
    }

    /**
     * Whether an offset was already registered: after a failed offset commit Connect rewinds the consumer and
     * delivers records again that are still running or already finished here.
     */
    public synchronized boolean isRegistered(SourceCoordinates at) {
        PartitionOffsets p = partitions.get(new SourcePartition(at.topic(), at.partition()));
        return p != null && at.offset() <= p.lastRegistered;
    }

    /** Marks an offset's request done (its terminal record or dead-letter record is acknowledged). */
    public synchronized void markDone(SourceCoordinates at) {
        PartitionOffsets p = partitions.get(new SourcePartition(at.topic(), at.partition()));
        if (p != null && p.markDone(at.offset())) {
            pendingTotal--;
        }
    }

    /**
     * The offset to commit (Kafka's meaning: the next offset to read), i.e. one past the highest registered
     * offset below which every registered offset is done; empty while nothing of this partition is done yet.
     */
    public synchronized OptionalLong committable(String topic, int partition) {
        PartitionOffsets p = partitions.get(new SourcePartition(topic, partition));
        return p == null || p.committable < 0 ? OptionalLong.empty() : OptionalLong.of(p.committable);
    }

    /** {@link #committable} of every partition that has one. */
    public synchronized Map<SourcePartition, Long> committableOffsets() {
        Map<SourcePartition, Long> out = new HashMap<>();
        partitions.forEach((sp, p) -> {
            if (p.committable >= 0) {
                out.put(sp, p.committable);
            }
        });
        return out;
    }

    /** Drops a partition (revoked): its pending offsets no longer count. */
    public synchronized void forget(String topic, int partition) {
        PartitionOffsets p = partitions.remove(new SourcePartition(topic, partition));
        if (p != null) {
            pendingTotal -= p.pendingCount();
        }
    }

    public synchronized int pending(String topic, int partition) {
        PartitionOffsets p = partitions.get(new SourcePartition(topic, partition));
        return p == null ? 0 : p.pendingCount();
    }

    public synchronized int pendingTotal() {
        return pendingTotal;
    }

    private static final class PartitionOffsets {
        /** Registered offsets not yet passed by the commit point, in order (done ones included). */
        private final ArrayDeque<Long> registered = new ArrayDeque<>();
        /** Registered offsets not done yet. */
        private final Set<Long> open = new HashSet<>();

        private long lastRegistered = -1;
        private long committable = -1;

        void register(long offset) {
            if (offset <= lastRegistered) {
                throw new IllegalArgumentException("offset " + offset + " registered after " + lastRegistered
                        + "; offsets of a partition must increase (forget the partition after a rewind)");
            }
            lastRegistered = offset;
            registered.addLast(offset);
            open.add(offset);
        }

        /** @return true if the offset was pending (unknown and repeated offsets are ignored) */
        boolean markDone(long offset) {
            if (!open.remove(offset)) {
                return false;
            }
            while (!registered.isEmpty() && !open.contains(registered.peekFirst())) {
                committable = registered.pollFirst() + 1;
            }
            return true;
        }

        int pendingCount() {
            return open.size();
        }
    }
}
