package io.bedrockstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationFailure;
import org.junit.jupiter.api.Test;

/** Which throttles teach the learned tokens-per-minute budget: Bedrock's real messages. */
class TokenThrottleDetectionTest {
    private static InvocationFailure throttle(String message) {
        return new InvocationFailure(ErrorKind.THROTTLING, "ThrottlingException", message, 429, 429, message, 0);
    }

    @Test
    void theTokensPerMinuteThrottleTeaches() {
        assertThat(StreamEngine.isTokenThrottle(throttle("Too many tokens, please wait before trying again.")))
                .isTrue();
    }

    @Test
    void theRequestsPerMinuteThrottleDoesNot() {
        assertThat(StreamEngine.isTokenThrottle(throttle("Too many requests, please wait before trying again.")))
                .isFalse();
    }

    /**
     * Bedrock's daily token quota ("Too many tokens per day, please wait before trying again.", seen on accounts
     * with a tokens-per-day limit) is not the per-minute quota: waiting a minute does not help, and learning from it
     * cuts the budget to one reservation, which then grows back at 3% of that per minute after the day resets.
     */
    @Test
    void theTokensPerDayThrottleDoesNot() {
        assertThat(StreamEngine.isTokenThrottle(throttle("Too many tokens per day, please wait before trying again.")))
                .isFalse();
    }
}
