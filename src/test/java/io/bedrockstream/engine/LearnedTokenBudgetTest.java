package io.bedrockstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The unbounded budget a default (learning) engine starts with, and the learned bound that replaces it. */
class LearnedTokenBudgetTest {
    private static final long MIN = 60_000_000_000L;

    @Test
    void unboundedLimitsNothingAndCountsEverything() {
        TokenBudget b = TokenBudget.unbounded(0);
        for (int i = 0; i < 1_000; i++) {
            assertThat(b.nanosUntilFits(Long.MAX_VALUE / 4, i)).isZero();
            b.reserve(1_000_000, i);
        }
        assertThat(b.reserved()).isEqualTo(1_000_000_000L);
        b.settle(1_000_000, 5, 2_000);
        assertThat(b.level(3_000)).isInfinite().isPositive();
        assertThat(b.reservedTotal()).isEqualTo(1_000_000_000L);
        assertThat(b.settledTotal()).isEqualTo(5);
    }

    @Test
    void aRequestLargerThanTheLearnedBudgetStartsAloneOnAFullBudgetWithinAWindow() {
        TokenBudget b = TokenBudget.unbounded(0);
        b.reserve(1_000, 0);
        b.settle(1_000, 0, 10); // throttled: used nothing
        b.bound(1_000, 60_000, true, 10);
        assertThat(b.level(10)).isEqualTo(0);
        long wait = b.nanosUntilFits(5_000, 10); // over the whole budget, nothing held: when the budget is full
        assertThat(wait).isEqualTo(MIN);
        assertThat(b.nanosUntilFits(5_000, 10 + wait)).isZero();
    }
}
