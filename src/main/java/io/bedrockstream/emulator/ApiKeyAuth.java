package io.bedrockstream.emulator;

import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Bedrock API keys: {@code Authorization: Bearer <key>} instead of a SigV4 signature. A key must carry one of
 * Bedrock's prefixes ({@code ABSK} for long-term keys, {@code bedrock-api-key-} for short-term ones) and, when
 * the options list keys, be one of them. Bedrock refuses a bad key with HTTP 403 {@code AccessDeniedException}.
 * Every Bedrock call's authorization is noted ({@link Seen}) so a test can tell how the client signed.
 */
final class ApiKeyAuth {

    static final String SCHEME = "Bearer ";
    static final List<String> KEY_PREFIXES = List.of("ABSK", "bedrock-api-key-");
    static final String BAD_FORMAT = "Invalid API Key format: Must start with pre-defined prefix";
    static final String NOT_VALID = "Authentication failed: Please make sure your API Key is valid.";
    private static final int MAX_SEEN = 10_000;

    /**
     * How one call authenticated.
     *
     * @param id             the call's {@code [[emu id=…]]} marker
     * @param scheme         {@code Bearer}, {@code AWS4-HMAC-SHA256}, another scheme word, or {@code none}
     * @param signingHeaders the SigV4 headers it carried ({@code X-Amz-Date}, {@code X-Amz-Security-Token},
     *                       {@code x-amz-content-sha256}), in that order; empty for a bearer-only call
     * @param accepted       whether the authorization was accepted
     */
    record Seen(String id, String scheme, List<String> signingHeaders, boolean accepted) {}

    /** Bounded; appended on the event loops, so a plain list under its own lock (no copy per call). */
    private final List<Seen> seen = new java.util.ArrayList<>();

    static boolean isBearer(HttpHeaders headers) {
        String authorization = headers.get("Authorization");
        return authorization != null && authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /** The error message to refuse the bearer call with (as AccessDeniedException), or empty to accept it. */
    static Optional<String> check(Set<String> acceptedKeys, HttpHeaders headers) {
        String key = headers.get("Authorization").substring(SCHEME.length()).strip();
        if (KEY_PREFIXES.stream().noneMatch(key::startsWith)) {
            return Optional.of(BAD_FORMAT);
        }
        if (acceptedKeys.isEmpty()) {
            return Optional.empty();
        }
        byte[] given = key.getBytes(StandardCharsets.UTF_8);
        boolean known = false;
        for (String accepted : acceptedKeys) {
            // constant time per key, and every key compared
            known |= MessageDigest.isEqual(given, accepted.getBytes(StandardCharsets.UTF_8));
        }
        return known ? Optional.empty() : Optional.of(NOT_VALID);
    }

    void note(String id, HttpHeaders headers, boolean accepted) {
        String authorization = headers.get("Authorization");
        String scheme = authorization == null || authorization.isBlank()
                ? "none"
                : authorization.strip().split("\\s+", 2)[0];
        List<String> signing = new java.util.ArrayList<>();
        for (String name : List.of("X-Amz-Date", "X-Amz-Security-Token", "x-amz-content-sha256")) {
            if (headers.contains(name)) {
                signing.add(name);
            }
        }
        Seen call = new Seen(id, scheme, List.copyOf(signing), accepted);
        synchronized (seen) {
            if (seen.size() < MAX_SEEN) {
                seen.add(call);
            }
        }
    }

    List<Seen> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    void reset() {
        synchronized (seen) {
            seen.clear();
        }
    }
}
