package io.bedrockstream.connect;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * The source task's offsets into its request partitions. Per partition a source offset is
 * {@code {"offset": next offset to read past every finished request, "done": ranges finished past that point}}:
 * requests finish out of order, and on restart the task reads again from {@code offset} and skips what
 * {@code done} lists, so under exactly-once no request completes twice.
 *
 * <p>{@code done} is a list of ranges ({@code "5-9,12,15-20"}); plain lists of offsets from older versions read
 * as one-offset ranges. A range covers every offset the task read between its ends: offsets never read (gaps
 * of compaction or transaction markers) do not split it. Every gap between two ranges holds an unfinished
 * request, so a partition stores at most one range more than it has unfinished requests, however long a request
 * at its head is stuck: the task's in-flight bound also bounds the stored offset. Ranges restored from the
 * stored offset that the consumer has not read again yet stay in every offset written, until read again.
 *
 * <p>Every operation costs O(log n) in the unfinished requests, except building an offset map, which is linear
 * in the ranges and happens at most once per change. Task thread only.
 */
final class SourceOffsets {
    static final String OFFSET = "offset";
    static final String OFFSET_DONE = "done";

    /** What to do with a record read from a request partition. */
    enum Read {
        /** A new request: run it, then call {@link #finished}. */
        RUN,
        /** Finished before a restart (listed in the stored {@code done}): its output is written already. */
        DONE_BEFORE,
        /** Read before (the consumer was rewound): it is running or finished already. */
        SEEN
    }

    private final Map<TopicPartition, PartitionOffsets> partitions = new HashMap<>();
    private int unfinishedTotal;

    /**
     * Restores a partition from its stored source offset.
     *
     * @return the offset to seek to; empty when nothing usable is stored
     * @throws IllegalArgumentException when {@code done} cannot be read
     */
    OptionalLong restore(TopicPartition tp, Map<String, Object> stored) {
        if (stored == null || !(stored.get(OFFSET) instanceof Number next)) {
            return OptionalLong.empty();
        }
        PartitionOffsets p = partition(tp);
        p.next = next.longValue();
        p.lastRead = p.next - 1;
        p.restored = parseRanges(stored.get(OFFSET_DONE));
        Map.Entry<Long, Long> straddling = p.restored.lowerEntry(p.next);
        p.restored.headMap(p.next).clear();
        if (straddling != null && straddling.getValue() >= p.next) {
            p.restored.put(p.next, straddling.getValue()); // what lies below the offset is done anyway
        }
        p.map = null;
        return OptionalLong.of(p.next);
    }

    Read read(TopicPartition tp, long offset) {
        PartitionOffsets p = partition(tp);
        if (offset <= p.lastRead) {
            return Read.SEEN;
        }
        if (p.next < 0) {
            p.next = offset;
        }
        p.lastRead = offset;
        if (!p.restored.isEmpty()) {
            p.map = null; // the restored ranges still to come start later now
            if (contains(p.restored, offset)) {
                p.markDone(offset);
                return Read.DONE_BEFORE;
            }
        }
        p.unfinished.add(offset);
        unfinishedTotal++;
        return Read.RUN;
    }

    /** The request read at this offset is finished: its terminal record (or dead letter) goes to Connect now. */
    void finished(TopicPartition tp, long offset) {
        PartitionOffsets p = partitions.get(tp);
        if (p != null && p.unfinished.contains(offset)) {
            p.markDone(offset);
            unfinishedTotal--;
        }
    }

    /** The partition's current source offset; the same map until a request of it finishes. */
    Map<String, Object> offsetMap(TopicPartition tp) {
        PartitionOffsets p = partition(tp);
        if (p.map == null) {
            String done = p.encodeDone();
            p.map = done.isEmpty() ? Map.of(OFFSET, p.next) : Map.of(OFFSET, p.next, OFFSET_DONE, done);
        }
        return p.map;
    }

    int unfinishedTotal() {
        return unfinishedTotal;
    }

    int unfinished(TopicPartition tp) {
        PartitionOffsets p = partitions.get(tp);
        return p == null ? 0 : p.unfinished.size();
    }

    private PartitionOffsets partition(TopicPartition tp) {
        return partitions.computeIfAbsent(tp, k -> new PartitionOffsets());
    }

    /** Reads {@code "5-9,12"} (or an older {@code "5,6,7"}) into ranges start → end, merged where they touch. */
    static TreeMap<Long, Long> parseRanges(Object done) {
        TreeMap<Long, Long> out = new TreeMap<>();
        if (done == null) {
            return out;
        }
        for (String token : done.toString().split(",")) {
            String t = token.trim();
            if (t.isEmpty()) {
                continue;
            }
            int dash = t.indexOf('-', 1);
            long start;
            long end;
            try {
                start = Long.parseLong(dash < 0 ? t : t.substring(0, dash).trim());
                end = dash < 0 ? start : Long.parseLong(t.substring(dash + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "'" + OFFSET_DONE + "' must list offsets and ranges such as " + "\"5-9,12\"; '" + t
                                + "' is neither",
                        e);
            }
            if (start < 0 || end < start) {
                throw new IllegalArgumentException("'" + OFFSET_DONE + "' has an empty or negative range '" + t + "'");
            }
            add(out, start, end);
        }
        return out;
    }

    private static void add(TreeMap<Long, Long> ranges, long start, long end) {
        Map.Entry<Long, Long> left = ranges.floorEntry(start);
        if (left != null && left.getValue() >= start - 1) {
            start = left.getKey();
            end = Math.max(end, left.getValue());
        }
        Map.Entry<Long, Long> right;
        while ((right = ranges.ceilingEntry(start)) != null && right.getKey() <= end + 1) {
            end = Math.max(end, right.getValue());
            ranges.remove(right.getKey());
        }
        ranges.put(start, end);
    }

    private static boolean contains(NavigableMap<Long, Long> ranges, long offset) {
        Map.Entry<Long, Long> e = ranges.floorEntry(offset);
        return e != null && e.getValue() >= offset;
    }

    private static final class PartitionOffsets {
        /** Next offset to read past every finished request; -1 until restored or first read. */
        long next = -1;

        long lastRead = -1;
        final TreeSet<Long> unfinished = new TreeSet<>();
        /** Finished ranges past {@link #next}; never spanning an unfinished offset. */
        final TreeMap<Long, Long> done = new TreeMap<>();
        /** Ranges restored from the stored offset; only the part past {@link #lastRead} is still to be read. */
        TreeMap<Long, Long> restored = new TreeMap<>();

        Map<String, Object> map;

        void markDone(long offset) {
            unfinished.remove(offset);
            long start = offset;
            long end = offset;
            Map.Entry<Long, Long> left = done.floorEntry(offset);
            if (left != null && noUnfinishedBetween(left.getValue(), offset)) {
                start = left.getKey();
                done.remove(left.getKey());
            }
            Map.Entry<Long, Long> right = done.higherEntry(offset);
            if (right != null && noUnfinishedBetween(offset, right.getKey())) {
                end = right.getValue();
                done.remove(right.getKey());
            }
            done.put(start, end);
            if (unfinished.isEmpty()) {
                next = lastRead + 1;
                done.clear();
            } else {
                next = unfinished.first();
                done.headMap(next).clear();
            }
            map = null;
        }

        private boolean noUnfinishedBetween(long low, long high) {
            Long u = unfinished.higher(low);
            return u == null || u >= high;
        }

        String encodeDone() {
            RangeWriter out = new RangeWriter();
            done.forEach(out::add);
            // restored ranges, clipped to what the consumer has not read again yet (all past the done ranges)
            Long from = restored.floorKey(lastRead);
            restored.tailMap(from == null ? lastRead : from, true).forEach((s, e) -> {
                if (e > lastRead) {
                    out.add(Math.max(s, lastRead + 1), e);
                }
            });
            return out.toString();
        }
    }

    /** Writes ranges in increasing order as {@code "5-9,12"}, joining those that touch. */
    private static final class RangeWriter {
        private final StringBuilder sb = new StringBuilder();
        private long start = -1;
        private long end = -1;

        void add(long s, long e) {
            if (start >= 0 && s <= end + 1) {
                end = Math.max(end, e);
                return;
            }
            flush();
            start = s;
            end = e;
        }

        private void flush() {
            if (start < 0) {
                return;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(start);
            if (end > start) {
                sb.append('-').append(end);
            }
        }

        @Override
        public String toString() {
            flush();
            start = -1;
            return sb.toString();
        }
    }
}
