package io.bedrockstream.engine;

/**
 * Learns a tokens-per-minute budget from throttling when none is configured (AIMD on the budget). Before the first
 * throttle it only counts: nothing is limited. On the first throttle the budget becomes {@link #FIRST_FACTOR} ×
 * what the engine consumed in the trailing window (tokens settled in it plus the reservations held now: what
 * Bedrock's level has been charged); a later throttle of an attempt admitted after the last cut multiplies it by
 * {@link #DECREASE} (throttles of attempts admitted before the cut were sent under the old budget and count
 * for nothing). Each window without a cut in which the budget was at least {@link #BUSY} consumed adds
 * {@link #INCREASE} × the highest budget it has learned or cut from: it probes upward, slowly (linearly), only while
 * the budget is what holds the engine back, and a budget collapsed by throttles others caused (another client or
 * task on the same quota) grows back to where it was in at most 1 / {@link #INCREASE} busy windows, not at a step of
 * the collapsed budget. A first budget learned from less than a window of history (a task just started, maybe
 * into a level its previous instance emptied: it holds a few reservations and has settled nothing) says little of
 * the quota: until the next cut, each busy window multiplies it by {@link #SLOW_START} instead. Not thread-safe: the engine calls it under its lock.
 */
final class QuotaLearner {
    static final double FIRST_FACTOR = 0.9;
    static final double DECREASE = 0.85;
    static final double INCREASE = 0.03;
    static final double BUSY = 0.8;
    /** A budget first learned from less than a window of history grows by this factor per busy window until a cut. */
    static final double SLOW_START = 1.5;
    /** The trailing window's sum is kept in this many slices. */
    private static final int SLICES = 16;

    private final long startNanos;
    private final long windowNanos;
    private final long sliceNanos;
    private final long[] sliceSums = new long[SLICES];
    private final long[] sliceIndex = new long[SLICES];
    private boolean learned;
    /** The first budget came from less than a window of history (a task just started): grow it fast until a cut. */
    private boolean slowStart;

    private double budget;
    /** The highest budget learned or cut from: the additive step is a fraction of it. */
    private double reference;

    private long lastCutNanos;
    private long lastStepNanos;

    QuotaLearner(long windowNanos) {
        this(windowNanos, Long.MIN_VALUE / 2);
    }

    /** {@code startNanos}: when counting began (the engine's start). */
    QuotaLearner(long windowNanos, long startNanos) {
        this.startNanos = startNanos;
        this.windowNanos = Math.max(SLICES, windowNanos);
        this.sliceNanos = this.windowNanos / SLICES;
        java.util.Arrays.fill(sliceIndex, Long.MIN_VALUE);
    }

    /** An attempt ended having used {@code tokens} of the quota. */
    void settled(long tokens, long nowNanos) {
        long index = Math.floorDiv(nowNanos, sliceNanos);
        int slot = (int) Math.floorMod(index, SLICES);
        if (sliceIndex[slot] != index) {
            sliceIndex[slot] = index;
            sliceSums[slot] = 0;
        }
        sliceSums[slot] += tokens;
    }

    /** Tokens settled in the trailing window (to a slice's precision). */
    long settledInWindow(long nowNanos) {
        long index = Math.floorDiv(nowNanos, sliceNanos);
        long sum = 0;
        for (int i = 0; i < SLICES; i++) {
            if (sliceIndex[i] > index - SLICES && sliceIndex[i] <= index) {
                sum += sliceSums[i];
            }
        }
        return sum;
    }

    boolean learned() {
        return learned;
    }

    /** The budget per window; meaningful once {@link #learned()}. */
    double budget() {
        return budget;
    }

    /**
     * An attempt admitted at {@code admittedNanos} was throttled; {@code reservedNow} is held by running attempts
     * (the throttled one's already given back), {@code floor} the least budget (one reservation must fit).
     *
     * @return whether the budget was set or cut
     */
    boolean onThrottle(long admittedNanos, long reservedNow, long floor, long nowNanos) {
        if (!learned) {
            budget = Math.max(floor, FIRST_FACTOR * (settledInWindow(nowNanos) + reservedNow));
            reference = budget;
            learned = true;
            slowStart = nowNanos - startNanos < windowNanos;
        } else if (admittedNanos - lastCutNanos > 0) {
            reference = Math.max(reference, budget);
            budget = Math.max(floor, budget * DECREASE);
            slowStart = false;
        } else {
            return false;
        }
        lastCutNanos = nowNanos;
        lastStepNanos = nowNanos;
        return true;
    }

    /**
     * Once a window after the last cut or step: the additive increase, if the budget was busy in that window.
     *
     * @return whether the budget grew
     */
    boolean tick(long reservedNow, long nowNanos) {
        if (!learned || nowNanos - lastStepNanos < windowNanos) {
            return false;
        }
        lastStepNanos = nowNanos;
        if (settledInWindow(nowNanos) + reservedNow < BUSY * budget) {
            return false;
        }
        if (slowStart) {
            budget *= SLOW_START;
            reference = Math.max(reference, budget);
        } else {
            budget += INCREASE * reference;
        }
        return true;
    }
}
