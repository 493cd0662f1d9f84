package io.bedrockstream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bedrockstream.request.SourceCoordinates;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    @Test
    void committableIsOnePastTheContiguousDonePrefix() {
        OffsetTracker t = new OffsetTracker();
        for (long o = 10; o < 15; o++) {
            t.register(new SourceCoordinates("in", 0, o));
        }
        assertThat(t.committable("in", 0)).isEmpty();
        t.markDone(new SourceCoordinates("in", 0, 12));
        assertThat(t.committable("in", 0)).isEmpty();
        t.markDone(new SourceCoordinates("in", 0, 10));
        assertThat(t.committable("in", 0)).hasValue(11);
        t.markDone(new SourceCoordinates("in", 0, 11));
        assertThat(t.committable("in", 0)).hasValue(13);
        assertThat(t.pending("in", 0)).isEqualTo(2);
        t.markDone(new SourceCoordinates("in", 0, 14));
        t.markDone(new SourceCoordinates("in", 0, 13));
        assertThat(t.committable("in", 0)).hasValue(15);
        assertThat(t.pendingTotal()).isZero();
    }

    @Test
    void gapsInRegisteredOffsetsDoNotBlock() {
        OffsetTracker t = new OffsetTracker();
        t.register(new SourceCoordinates("in", 1, 3));
        t.register(new SourceCoordinates("in", 1, 7)); // 4..6 compacted away or transaction markers
        t.register(new SourceCoordinates("in", 1, 20));
        t.markDone(new SourceCoordinates("in", 1, 3));
        t.markDone(new SourceCoordinates("in", 1, 7));
        assertThat(t.committable("in", 1)).hasValue(8);
        t.markDone(new SourceCoordinates("in", 1, 5)); // never registered: ignored
        assertThat(t.pending("in", 1)).isEqualTo(1);
        t.markDone(new SourceCoordinates("in", 1, 20));
        assertThat(t.committable("in", 1)).hasValue(21);
    }

    @Test
    void partitionsAreIndependentAndForgetDropsPending() {
        OffsetTracker t = new OffsetTracker();
        t.register(new SourceCoordinates("a", 0, 0));
        t.register(new SourceCoordinates("a", 1, 0));
        t.register(new SourceCoordinates("b", 0, 5));
        t.markDone(new SourceCoordinates("a", 1, 0));
        t.markDone(new SourceCoordinates("b", 0, 5));
        assertThat(t.committableOffsets())
                .isEqualTo(Map.of(new SourcePartition("a", 1), 1L, new SourcePartition("b", 0), 6L));
        assertThat(t.pendingTotal()).isEqualTo(1);
        t.forget("a", 0);
        assertThat(t.pendingTotal()).isZero();
        assertThat(t.committable("a", 0)).isEmpty();
    }

    @Test
    void rejectsOffsetsOutOfOrderAndIgnoresRepeatedDone() {
        OffsetTracker t = new OffsetTracker();
        t.register(new SourceCoordinates("a", 0, 5));
        assertThatThrownBy(() -> t.register(new SourceCoordinates("a", 0, 5)))
                .isInstanceOf(IllegalArgumentException.class);
        t.markDone(new SourceCoordinates("a", 0, 5));
        t.markDone(new SourceCoordinates("a", 0, 5));
        assertThat(t.pendingTotal()).isZero();
        assertThat(t.committable("a", 0)).hasValue(6);
    }

    @Test
    void neverPassesAnUnfinishedOffsetWhateverTheCompletionOrder() {
        for (long seed = 0; seed < 200; seed++) {
            Random rnd = new Random(seed);
            OffsetTracker t = new OffsetTracker();
            List<Long> offsets = new ArrayList<>();
            long o = rnd.nextInt(100);
            int n = 1 + rnd.nextInt(300);
            for (int i = 0; i < n; i++) {
                o += 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(5) : 0); // gaps now and then
                offsets.add(o);
                t.register(new SourceCoordinates("t", 0, o));
            }
            List<Long> order = new ArrayList<>(offsets);
            Collections.shuffle(order, rnd);
            TreeSet<Long> unfinished = new TreeSet<>(offsets);
            TreeSet<Long> registered = new TreeSet<>(offsets);
            long lastCommittable = -1;
            for (long done : order) {
                t.markDone(new SourceCoordinates("t", 0, done));
                unfinished.remove(done);
                OptionalLong c = t.committable("t", 0);
                if (c.isPresent()) {
                    if (!unfinished.isEmpty()) {
                        assertThat(c.getAsLong()).as("seed %d", seed).isLessThanOrEqualTo(unfinished.first());
                    }
                    // the commit point is exactly one past the largest registered offset below the first unfinished
                    long expected = (unfinished.isEmpty()
                                    ? offsets.get(offsets.size() - 1)
                                    : registered.lower(unfinished.first()))
                            + 1;
                    assertThat(c.getAsLong()).as("seed %d", seed).isEqualTo(expected);
                    assertThat(c.getAsLong()).isGreaterThanOrEqualTo(lastCommittable);
                    lastCommittable = c.getAsLong();
                } else {
                    assertThat(unfinished.first()).isEqualTo(offsets.get(0));
                }
                assertThat(t.pending("t", 0)).isEqualTo(unfinished.size());
            }
            assertThat(t.committable("t", 0)).hasValue(offsets.get(offsets.size() - 1) + 1);
        }
    }

    @Test
    void handlesOneHundredThousandPendingQuickly() {
        OffsetTracker t = new OffsetTracker();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            t.register(new SourceCoordinates("t", 0, i));
        }
        long start = System.nanoTime();
        for (int i = n - 1; i >= 0; i--) { // worst order: the head finishes last
            t.markDone(new SourceCoordinates("t", 0, i));
        }
        assertThat(t.committable("t", 0)).hasValue(n);
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }
}
