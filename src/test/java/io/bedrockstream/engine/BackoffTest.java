package io.bedrockstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysStayWithinEqualFloorBounds() {
        Backoff b = new Backoff(500, 30_000);
        Random rnd = new Random(7);
        for (int attempt = 1; attempt <= 12; attempt++) {
            long ceiling = Math.min(30_000, 500L << (attempt - 1));
            assertThat(b.ceilingMs(attempt)).isEqualTo(ceiling);
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = 0; i < 2000; i++) {
                long d = b.delayMs(attempt, rnd);
                assertThat(d).isBetween(500L, ceiling);
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            if (ceiling > 500) {
                // jitter actually spreads over the window
                assertThat(max - min).isGreaterThan((ceiling - 500) / 2);
            }
        }
    }

    @Test
    void hugeAttemptNumbersDoNotOverflow() {
        Backoff b = new Backoff(1000, 60_000);
        assertThat(b.ceilingMs(200)).isEqualTo(60_000);
        assertThat(b.delayMs(200, new Random(1))).isBetween(1000L, 60_000L);
    }

    @Test
    void zeroBackoffMeansImmediateRetry() {
        Backoff b = new Backoff(0, 0);
        assertThat(b.delayMs(3, new Random(1))).isZero();
    }
}
