package io.bedrockstream.emulator;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of what the emulator has served since the last reset.
 *
 * @param tokenQuotaThrottles calls refused with a 429 because the tokens-per-minute quota had no room
 */
public record EmulatorStats(long calls, int currentConcurrency, int maxConcurrency,
                            Map<String, List<Attempt>> requests, long tokenQuotaThrottles) {

    public EmulatorStats {
        requests = Map.copyOf(requests);
    }

    /** The attempts recorded for a request marker ({@code id=}), oldest first; empty if none. */
    public List<Attempt> attempts(String id) {
        return requests.getOrDefault(id, List.of());
    }
}
