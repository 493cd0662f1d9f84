package io.bedrockstream.connect;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** Events in the last 60 seconds, counted in one-second buckets. Thread-safe. */
final class MinuteRate {
    private static final int SECONDS = 60;

    private final LongSupplier nanoTime;
    private final long[] counts = new long[SECONDS];
    private final long[] secondOf = new long[SECONDS];

    MinuteRate() {
        this(System::nanoTime);
    }

    MinuteRate(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    synchronized void record() {
        long second = TimeUnit.NANOSECONDS.toSeconds(nanoTime.getAsLong());
        int i = (int) Math.floorMod(second, (long) SECONDS);
        if (secondOf[i] != second) {
            secondOf[i] = second;
            counts[i] = 0;
        }
        counts[i]++;
    }

    synchronized long lastMinute() {
        long now = TimeUnit.NANOSECONDS.toSeconds(nanoTime.getAsLong());
        long sum = 0;
        for (int i = 0; i < SECONDS; i++) {
            if (now - secondOf[i] < SECONDS && secondOf[i] <= now) {
                sum += counts[i];
            }
        }
        return sum;
    }
}
