package io.bedrockstream.connect;

import static io.bedrockstream.connect.SourceOffsets.Read.DONE_BEFORE;
import static io.bedrockstream.connect.SourceOffsets.Read.RUN;
import static io.bedrockstream.connect.SourceOffsets.Read.SEEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class SourceOffsetsTest {
    private static final TopicPartition TP = new TopicPartition("requests", 0);

    private static Map<String, Object> stored(long offset, String done) {
        return done == null ? Map.of("offset", offset) : Map.of("offset", offset, "done", done);
    }

    @Test
    void restoredDoneOffsetsStayInEveryOffsetUntilTheConsumerReadsThemAgain() {
        // stored {offset:0, done:"3"}; records 0-2 arrive in one batch, record 3 in a later one
        SourceOffsets o = new SourceOffsets();
        assertThat(o.restore(TP, stored(0, "3"))).hasValue(0);
        assertThat(o.read(TP, 0)).isEqualTo(RUN);
        assertThat(o.read(TP, 1)).isEqualTo(RUN);
        assertThat(o.read(TP, 2)).isEqualTo(RUN);
        assertThat(o.offsetMap(TP)).isEqualTo(Map.of("offset", 0L, "done", "3"));
        o.finished(TP, 1);
        assertThat(o.offsetMap(TP)).isEqualTo(Map.of("offset", 0L, "done", "1,3"));
        o.finished(TP, 0);
        assertThat(o.offsetMap(TP)).isEqualTo(Map.of("offset", 2L, "done", "3"));
        o.finished(TP, 2);
        assertThat(o.offsetMap(TP)).isEqualTo(Map.of("offset", 3L, "done", "3"));
        assertThat(o.read(TP, 3)).isEqualTo(DONE_BEFORE);
        assertThat(o.offsetMap(TP)).isEqualTo(Map.of("offset", 4L));
        assertThat(o.unfinishedTotal()).isZero();
    }

    @Test
    void aRestoredRangeIsReadAgainPieceByPiece() {
        SourceOffsets o = new SourceOffsets();
        o.restore(TP, stored(10, "12-15,20"));
        assertThat(o.read(TP, 10)).isEqualTo(RUN);
        assertThat(o.read(TP, 12)).isEqualTo(DONE_BEFORE); // 11 was a transaction marker
        assertThat(o.read(TP, 13)).isEqualTo(DONE_BEFORE);
        assertThat(o.offsetMap(TP)).isEqualTo(Map.of("offset", 10L, "done", "12-15,20"));
        assertThat(o.read(TP, 16)).isEqualTo(RUN);
        o.finished(TP, 10);
        assertThat(o.offsetMap(TP)).isEqualTo(Map.of("offset", 16L, "done", "20"));
    }

    @Test
    void olderPlainListsAreReadAsRangesAndBadOnesAreRefusedWithTheReason() {
        assertThat(SourceOffsets.parseRanges("3,4,5,9")).containsExactly(Map.entry(3L, 5L), Map.entry(9L, 9L));
        assertThat(SourceOffsets.parseRanges("7-9, 1-2 ,3")).containsExactly(Map.entry(1L, 3L), Map.entry(7L, 9L));
        assertThatThrownBy(() -> SourceOffsets.parseRanges("3,x")).hasMessageContaining("'x'");
        assertThatThrownBy(() -> SourceOffsets.parseRanges("9-3")).hasMessageContaining("'9-3'");
    }

    @Test
    void aStoredOffsetWithARangeBelowItKeepsOnlyWhatLiesAbove() {
        SourceOffsets o = new SourceOffsets();
        o.restore(TP, stored(5, "2-7,9"));
        assertThat(o.offsetMap(TP)).isEqualTo(Map.of("offset", 5L, "done", "5-7,9"));
        assertThat(o.read(TP, 5)).isEqualTo(DONE_BEFORE);
        assertThat(o.offsetMap(TP)).isEqualTo(Map.of("offset", 6L, "done", "6-7,9"));
    }

    @Test
    void offsetsReadAgainAfterARewindAreSeenNotRun() {
        SourceOffsets o = new SourceOffsets();
        assertThat(o.read(TP, 4)).isEqualTo(RUN);
        assertThat(o.read(TP, 4)).isEqualTo(SEEN);
        assertThat(o.read(TP, 3)).isEqualTo(SEEN);
    }

    @Test
    void gapsInThePartitionDoNotSplitRangesNorHoldTheOffsetBack() {
        SourceOffsets o = new SourceOffsets();
        for (long off : new long[] {0, 2, 4, 6}) {
            o.read(TP, off);
        }
        o.finished(TP, 2);
        o.finished(TP, 6);
        assertThat(o.offsetMap(TP)).isEqualTo(Map.of("offset", 0L, "done", "2,6"));
        o.finished(TP, 4);
        assertThat(o.offsetMap(TP)).isEqualTo(Map.of("offset", 0L, "done", "2-6"));
        o.finished(TP, 0);
        assertThat(o.offsetMap(TP)).isEqualTo(Map.of("offset", 7L));
    }

    @Test
    void aHeadRequestStuckWhileAHundredThousandFinishBehindItKeepsTheStoredOffsetSmall() {
        SourceOffsets o = new SourceOffsets();
        o.read(TP, 0); // stuck
        int maxLength = 0;
        List<Long> window = new ArrayList<>();
        Random random = new Random(7);
        for (long off = 1; off <= 100_000; off++) {
            o.read(TP, off);
            window.add(off);
            if (window.size() == 256) { // 256 in flight, finishing in random order
                Collections.shuffle(window, random);
                for (long w : window) {
                    o.finished(TP, w);
                    maxLength = Math.max(
                            maxLength,
                            String.valueOf(o.offsetMap(TP).get("done")).length());
                }
                window.clear();
            }
        }
        for (long w : window) {
            o.finished(TP, w);
        }
        assertThat(o.offsetMap(TP)).isEqualTo(Map.of("offset", 0L, "done", "1-100000"));
        // at most one range more than there are unfinished requests (257 here), however long the head is stuck
        assertThat(maxLength).isLessThan(258 * 14);
        o.finished(TP, 0);
        assertThat(o.offsetMap(TP)).isEqualTo(Map.of("offset", 100_001L));
    }

    @Test
    void randomCompletionOrdersAlwaysStoreAnOffsetThatSkipsExactlyTheFinishedRequests() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            SourceOffsets o = new SourceOffsets();
            List<Long> read = new ArrayList<>();
            long off = random.nextInt(5);
            for (int i = 0; i < 40; i++) {
                off += 1 + (random.nextInt(4) == 0 ? 1 : 0); // some gaps
                o.read(TP, off);
                read.add(off);
            }
            List<Long> order = new ArrayList<>(read);
            Collections.shuffle(order, random);
            List<Long> finished = order.subList(0, random.nextInt(order.size() + 1));
            finished.forEach(f -> o.finished(TP, f));
            // restart from the stored offset: exactly the unfinished requests run again
            Map<String, Object> storedOffset = o.offsetMap(TP);
            SourceOffsets again = new SourceOffsets();
            long seek = again.restore(TP, storedOffset).orElseThrow();
            List<Long> rerun = new ArrayList<>();
            for (long r : read) {
                if (r >= seek && again.read(TP, r) == RUN) {
                    rerun.add(r);
                }
            }
            List<Long> expected = new ArrayList<>(read);
            expected.removeAll(finished);
            assertThat(rerun).as("round %d stored %s", round, storedOffset).isEqualTo(expected);
        }
    }
}
