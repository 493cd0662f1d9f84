package io.bedrockstream.emulator;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The temporary credentials the emulated STS has issued, by access key id, so the Bedrock side can check a
 * request signed with them: the secret for the signature, the session token it must carry, and its expiry.
 * Expired entries are kept a while, so a late caller gets ExpiredTokenException rather than "unknown key".
 */
final class TemporaryCredentials {

    /** Issued credentials; {@code via} is the STS action that issued them. */
    record Issued(
            String accessKeyId,
            String secretAccessKey,
            String sessionToken,
            Instant expiration,
            String roleArn,
            String sessionName,
            String via) {

        boolean expiredAt(Instant now) {
            return !now.isBefore(expiration);
        }

        @Override
        public String toString() {
            // the secret and the token stay out of logs and assertion messages
            return "Issued[" + accessKeyId + ", role " + roleArn + ", expires " + expiration + ", via " + via + "]";
        }
    }

    private static final Duration KEEP_EXPIRED = Duration.ofMinutes(10);
    private static final char[] KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, Issued> byAccessKey = new ConcurrentHashMap<>();
    private final AtomicLong issued = new AtomicLong();

    TemporaryCredentials(Clock clock) {
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    Issued issue(String roleArn, String sessionName, Duration lifetime, String via) {
        forgetLongExpired();
        StringBuilder key = new StringBuilder("ASIA");
        for (int i = 0; i < 16; i++) {
            key.append(KEY_ALPHABET[random.nextInt(KEY_ALPHABET.length)]);
        }
        byte[] secret = new byte[30];
        random.nextBytes(secret);
        byte[] token = new byte[96];
        random.nextBytes(token);
        Issued credentials = new Issued(
                key.toString(),
                Base64.getEncoder().encodeToString(secret),
                "EMU" + Base64.getEncoder().encodeToString(token),
                now().plus(lifetime),
                roleArn,
                sessionName,
                via);
        byAccessKey.put(credentials.accessKeyId(), credentials);
        issued.incrementAndGet();
        return credentials;
    }

    Optional<Issued> find(String accessKeyId) {
        return Optional.ofNullable(byAccessKey.get(accessKeyId));
    }

    long issuedCount() {
        return issued.get();
    }

    private void forgetLongExpired() {
        Instant horizon = now().minus(KEEP_EXPIRED);
        byAccessKey.values().removeIf(c -> c.expiration().isBefore(horizon));
    }
}
