package io.bedrockstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void refillsContinuouslyAndMayGoNegative() {
        TokenBucket b = new TokenBucket(60, 1, 0); // one per second, burst 1
        assertThat(b.nanosUntil(1, 0)).isZero();
        b.take(1, 0);
        assertThat(b.nanosUntil(1, 0)).isEqualTo(SECOND);
        assertThat(b.nanosUntil(1, SECOND / 2)).isEqualTo(SECOND / 2);
        assertThat(b.nanosUntil(1, SECOND)).isZero();
        b.take(3, SECOND);
        assertThat(b.level(SECOND)).isEqualTo(-2.0);
        assertThat(b.nanosUntil(0, SECOND)).isEqualTo(2 * SECOND);
    }

    @Test
    void neverExceedsCapacity() {
        TokenBucket b = new TokenBucket(600, 10, 0);
        assertThat(b.level(3600 * SECOND)).isEqualTo(10.0);
    }
}
