package io.bedrockstream.emulator;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of what the emulator has served since the last reset.
 *
 * @param tokenQuotaThrottles   calls refused with a 429 because the tokens-per-minute quota had no room
 * @param openConnections       client connections open now (both protocols, all routes)
 * @param callsWithSessionToken Bedrock calls accepted that were signed with STS-issued credentials
 * @param stsCalls              STS calls by "{@code Action outcome}", e.g. {@code "AssumeRole ok"},
 *                              {@code "AssumeRole AccessDenied"}
 */
public record EmulatorStats(
        long calls,
        int currentConcurrency,
        int maxConcurrency,
        Map<String, List<Attempt>> requests,
        long tokenQuotaThrottles,
        int openConnections,
        long callsWithSessionToken,
        Map<String, Long> stsCalls) {

    public EmulatorStats {
        requests = Map.copyOf(requests);
        stsCalls = Map.copyOf(stsCalls);
    }

    /** How many STS calls of {@code action} ended with {@code outcome} ({@code ok} or an error code). */
    public long stsCalls(String action, String outcome) {
        return stsCalls.getOrDefault(action + " " + outcome, 0L);
    }

    /** The attempts recorded for a request marker ({@code id=}), oldest first; empty if none. */
    public List<Attempt> attempts(String id) {
        return requests.getOrDefault(id, List.of());
    }
}
