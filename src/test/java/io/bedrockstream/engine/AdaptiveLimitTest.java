package io.bedrockstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdaptiveLimitTest {
    private static final long WINDOW = 500_000_000L;

    @Test
    void throttlingHalvesOncePerWindow() {
        AdaptiveLimit l = new AdaptiveLimit(1, 16, WINDOW);
        assertThat(l.current()).isEqualTo(16);
        l.onThrottle(0);
        assertThat(l.current()).isEqualTo(8);
        l.onThrottle(100_000_000L); // same burst
        l.onThrottle(400_000_000L);
        assertThat(l.current()).isEqualTo(8);
        l.onThrottle(WINDOW + 1);
        assertThat(l.current()).isEqualTo(4);
        l.onThrottle(2 * WINDOW + 2);
        l.onThrottle(3 * WINDOW + 3);
        l.onThrottle(4 * WINDOW + 4);
        assertThat(l.current()).isEqualTo(1);
    }

    @Test
    void respectsTheFloor() {
        AdaptiveLimit l = new AdaptiveLimit(3, 16, 0);
        for (int i = 0; i < 10; i++) {
            l.onThrottle(i);
        }
        assertThat(l.current()).isEqualTo(3);
    }

    @Test
    void successGrowsAdditivelyUpToTheCeiling() {
        AdaptiveLimit l = new AdaptiveLimit(1, 8, WINDOW);
        l.onThrottle(0);
        assertThat(l.current()).isEqualTo(4);
        // +1/limit each: 4, 4.25, 4.49, 4.71, 4.92, 5.12
        for (int i = 0; i < 4; i++) {
            l.onSuccess();
        }
        assertThat(l.current()).isEqualTo(4);
        l.onSuccess();
        assertThat(l.current()).isEqualTo(5);
        for (int i = 0; i < 100; i++) {
            l.onSuccess();
        }
        assertThat(l.current()).isEqualTo(8);
    }
}
