package io.bedrockstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuotaLearnerTest {
    private static final long W = 60_000_000_000L; // a minute in nanos
    private static final long S = W / 16; // one slice of the trailing window

    @Test
    void countsOnlyUntilTheFirstThrottle() {
        QuotaLearner l = new QuotaLearner(W);
        l.settled(1_000_000, 0);
        assertThat(l.learned()).isFalse();
        assertThat(l.tick(0, 5 * W)).isFalse();
        assertThat(l.learned()).isFalse();
    }

    @Test
    void theFirstThrottleSetsTheBudgetToAFractionOfWhatTheTrailingWindowConsumed() {
        QuotaLearner l = new QuotaLearner(W);
        l.settled(50_000, 0); // out of the window by the throttle
        l.settled(3_000, 2 * S);
        l.settled(4_000, 17 * S);
        assertThat(l.settledInWindow(17 * S)).isEqualTo(7_000);
        assertThat(l.settledInWindow(18 * S)).isEqualTo(4_000);
        assertThat(l.onThrottle(17 * S, 3_000, 100, 17 * S)).isTrue();
        assertThat(l.learned()).isTrue();
        assertThat(l.budget()).isEqualTo(0.9 * (7_000 + 3_000));
    }

    @Test
    void theBudgetNeverGoesUnderTheFloor() {
        QuotaLearner l = new QuotaLearner(W);
        assertThat(l.onThrottle(0, 0, 300, 10)).isTrue();
        assertThat(l.budget()).isEqualTo(300);
        assertThat(l.onThrottle(20, 0, 300, 30)).isTrue();
        assertThat(l.budget()).isEqualTo(300);
    }

    @Test
    void aLaterThrottleCutsOnlyIfItsAttemptWasAdmittedAfterTheLastCut() {
        QuotaLearner l = new QuotaLearner(W);
        l.settled(10_000, S);
        l.onThrottle(S, 0, 1, S); // 9,000
        assertThat(l.onThrottle(S - 5, 0, 1, S + 10)).isFalse(); // admitted before the cut
        assertThat(l.onThrottle(S, 0, 1, S + 10)).isFalse(); // at the cut's instant: before it
        assertThat(l.budget()).isEqualTo(9_000);
        assertThat(l.onThrottle(S + 1, 0, 1, S + 20)).isTrue();
        assertThat(l.budget()).isEqualTo(9_000 * 0.85);
        assertThat(l.onThrottle(S + 15, 0, 1, S + 30)).isFalse(); // admitted before the second cut
        assertThat(l.budget()).isEqualTo(9_000 * 0.85);
    }

    @Test
    void eachBusyWindowWithoutAThrottleAddsAStepOfTheHighestBudgetLearnedOrCutFrom() {
        QuotaLearner l = new QuotaLearner(W);
        l.settled(10_000, 0);
        l.onThrottle(0, 0, 1, 0); // 9,000
        l.settled(8_000, S);
        assertThat(l.tick(0, W - 1)).as("not a window yet").isFalse();
        l.settled(8_000, W - 1);
        assertThat(l.tick(0, W)).isTrue(); // 16,000 settled >= 0.8 x 9,000
        assertThat(l.budget()).isEqualTo(9_000 + 0.03 * 9_000);
        assertThat(l.tick(0, W + 5)).as("once a window").isFalse();
        l.settled(7_500, 2 * W - S);
        assertThat(l.tick(0, 2 * W)).isTrue();
        assertThat(l.budget()).isEqualTo(9_000 + 2 * 0.03 * 9_000);
        // a cut: the step is now a fraction of the budget it cut from (the highest so far)
        l.onThrottle(2 * W + 1, 0, 1, 2 * W + 2);
        double from = 9_000 + 2 * 0.03 * 9_000;
        double cut = from * 0.85;
        assertThat(l.budget()).isEqualTo(cut);
        l.settled(9_000, 3 * W);
        assertThat(l.tick(0, 3 * W + 2)).isTrue();
        assertThat(l.budget()).isEqualTo(cut + 0.03 * from);
    }

    @Test
    void aWindowInWhichTheBudgetWasNotBusyLeavesItAlone() {
        QuotaLearner l = new QuotaLearner(W);
        l.settled(10_000, 0);
        l.onThrottle(0, 0, 1, 0); // 9,000
        l.settled(5_000, W - S);
        assertThat(l.tick(2_000, W)).isFalse(); // 7,000 < 0.8 x 9,000
        assertThat(l.budget()).isEqualTo(9_000);
        l.settled(5_000, 2 * W - S);
        assertThat(l.tick(2_200, 2 * W)).isTrue(); // 7,200 = 0.8 x 9,000
        assertThat(l.budget()).isEqualTo(9_270);
    }
    /**
     * Another client (or another task of the connector) saturates the shared quota for a few minutes: every attempt
     * this task starts is throttled, each admitted after the last cut, so the budget is cut down to its floor (one
     * reservation). Once the other client stops, the budget must grow back to what it was within about an hour of
     * busy windows, not at 3% of the floor per window (5,367 windows, 3.7 days, before this was fixed).
     */
    @Test
    void aBudgetCollapsedByOthersThrottlesGrowsBackWithinAnHour() {
        long reservation = 5_000;
        QuotaLearner l = new QuotaLearner(W);
        l.settled(1_000_000, 0);
        l.onThrottle(0, 0, reservation, 0);
        double before = l.budget(); // 900,000: the task's own level, learned from its own throttle
        long t = 0;
        int cuts = 0;
        while (l.budget() > reservation) {
            t += W / 100;
            assertThat(l.onThrottle(t - 1, 0, reservation, t)).isTrue();
            cuts++;
        }
        assertThat(cuts).isEqualTo(32);
        int windows = 0;
        while (l.budget() < 0.9 * before && windows < 10_000) {
            l.settled((long) l.budget(), t + W - 1); // the budget is what holds the task back: all of it is used
            t += W;
            assertThat(l.tick(0, t)).isTrue();
            windows++;
        }
        assertThat(windows)
                .as("busy windows to grow back to 90% of the budget before the collapse")
                .isEqualTo(30);
    }
    /**
     * A task (re)started by a rebalance or a config change while Bedrock's level is still empty from its previous
     * instance is throttled at once: its first budget is learned from the few reservations it holds (nothing settled
     * yet), far under what the quota gives it. It must grow back to the level it ran at within an hour of busy
     * windows, not by 3% of that small first budget per window (824 windows, 14 hours, before the fix).
     */
    @Test
    void aBudgetFirstLearnedFromLessThanAWindowOfHistoryGrowsBackWithinAnHour() {
        long reservation = 5_000;
        QuotaLearner l = new QuotaLearner(W, 0);
        assertThat(l.onThrottle(S, 7 * reservation, reservation, S)).isTrue();
        assertThat(l.budget()).isEqualTo(0.9 * 7 * reservation);
        double level = 900_000; // what the quota gives the task: it used 1,000,000 a minute before it restarted
        long t = S;
        int windows = 0;
        while (l.budget() < 0.9 * level && windows < 10_000) {
            l.settled((long) l.budget(), t + W - 1); // the budget is what holds the task back: all of it is used
            t += W;
            assertThat(l.tick(0, t)).isTrue();
            windows++;
        }
        assertThat(windows)
                .as("busy windows to grow to 90% of the level the quota gives")
                .isEqualTo(9);
    }
}
