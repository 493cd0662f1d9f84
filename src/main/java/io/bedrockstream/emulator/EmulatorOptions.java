package io.bedrockstream.emulator;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Immutable emulator settings. The generation and fault settings can be changed while running. */
public final class EmulatorOptions {

    private final String host;
    private final int port;
    private final long seed;
    private final int words;
    private final int perChunk;
    /**
     * Bedrock's 5× burndown of output tokens for Claude 3.7 Sonnet and the Claude 4 models ("How tokens are counted
     * in Amazon Bedrock", the Bedrock user guide); every other model burns 1.
     */
    public static final String BEDROCK_OUTPUT_WEIGHTS =
            "*anthropic.claude-3-7-sonnet*:5,*anthropic.claude-sonnet-4*:5,*anthropic.claude-opus-4*:5";

    private final long ttftMs;
    private final long delayMs;
    private final double throttleFraction;
    private final int maxConcurrentStreams;
    private final long tokensPerMinute;
    private final long quotaWindowMs;
    private final String quotaOutputWeights;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final boolean logCalls;
    private final boolean logToStdout;
    private final Set<String> stsRoles;
    private final Set<String> webIdentityTokens;
    private final Duration credentialLifetime;
    private final Set<String> apiKeys;

    private EmulatorOptions(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.seed = b.seed;
        this.words = b.words;
        this.perChunk = b.perChunk;
        this.ttftMs = b.ttftMs;
        this.delayMs = b.delayMs;
        this.throttleFraction = b.throttleFraction;
        this.maxConcurrentStreams = b.maxConcurrentStreams;
        this.tokensPerMinute = b.tokensPerMinute;
        this.quotaWindowMs = b.quotaWindowMs;
        this.quotaOutputWeights = b.quotaOutputWeights;
        this.accessKeyId = b.accessKeyId;
        this.secretAccessKey = b.secretAccessKey;
        this.logCalls = b.logCalls;
        this.logToStdout = b.logToStdout;
        this.stsRoles = b.stsRoles;
        this.webIdentityTokens = b.webIdentityTokens;
        this.credentialLifetime = b.credentialLifetime;
        this.apiKeys = b.apiKeys;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static EmulatorOptions defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.seed = seed;
        b.words = words;
        b.perChunk = perChunk;
        b.ttftMs = ttftMs;
        b.delayMs = delayMs;
        b.throttleFraction = throttleFraction;
        b.maxConcurrentStreams = maxConcurrentStreams;
        b.tokensPerMinute = tokensPerMinute;
        b.quotaWindowMs = quotaWindowMs;
        b.quotaOutputWeights = quotaOutputWeights;
        b.accessKeyId = accessKeyId;
        b.secretAccessKey = secretAccessKey;
        b.logCalls = logCalls;
        b.logToStdout = logToStdout;
        b.stsRoles = stsRoles;
        b.webIdentityTokens = webIdentityTokens;
        b.credentialLifetime = credentialLifetime;
        b.apiKeys = apiKeys;
        return b;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public long seed() {
        return seed;
    }

    public int words() {
        return words;
    }

    public int perChunk() {
        return perChunk;
    }

    public long ttftMs() {
        return ttftMs;
    }

    public long delayMs() {
        return delayMs;
    }

    public double throttleFraction() {
        return throttleFraction;
    }

    public int maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /** The tokens-per-minute quota; 0 = none. */
    public long tokensPerMinute() {
        return tokensPerMinute;
    }

    /** The quota's "minute" in milliseconds: 60000 unless a test shortens it. */
    public long quotaWindowMs() {
        return quotaWindowMs;
    }

    /** Output tokens' burndown weight per model pattern against the quota ({@code pattern:weight,…}). */
    public String quotaOutputWeights() {
        return quotaOutputWeights;
    }

    /** The access key whose signatures are verified; empty means any signature is accepted. */
    public Optional<String> accessKeyId() {
        return Optional.ofNullable(accessKeyId);
    }

    public Optional<String> secretAccessKey() {
        return Optional.ofNullable(secretAccessKey);
    }

    public boolean verifiesSignatures() {
        return accessKeyId != null && secretAccessKey != null;
    }

    public boolean logCalls() {
        return logCalls;
    }

    public boolean logToStdout() {
        return logToStdout;
    }

    /** The role ARNs STS lets callers assume; empty (the default) means any role. */
    public Set<String> stsRoles() {
        return stsRoles;
    }

    /** The web identity tokens STS accepts; empty (the default) means any non-blank token. */
    public Set<String> webIdentityTokens() {
        return webIdentityTokens;
    }

    /** How long temporary credentials issued by STS stay valid. */
    public Duration credentialLifetime() {
        return credentialLifetime;
    }

    /**
     * The Bedrock API keys bearer-token calls ({@code Authorization: Bearer <key>}) may use; empty (the default)
     * accepts any key with one of Bedrock's prefixes ({@code ABSK}, {@code bedrock-api-key-}). SigV4-signed
     * calls are checked as before, whatever this holds.
     */
    public Set<String> apiKeys() {
        return apiKeys;
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private long seed = 42;
        private int words = 24;
        private int perChunk = 3;
        private long ttftMs = 0;
        private long delayMs = 0;
        private double throttleFraction = 0;
        private int maxConcurrentStreams = 0;
        private long tokensPerMinute = 0;
        private long quotaWindowMs = 60_000;
        private String quotaOutputWeights = BEDROCK_OUTPUT_WEIGHTS;
        private String accessKeyId;
        private String secretAccessKey;
        private boolean logCalls = false;
        private boolean logToStdout = false;
        private Set<String> stsRoles = Set.of();
        private Set<String> webIdentityTokens = Set.of();
        private Duration credentialLifetime = Duration.ofHours(1);
        private Set<String> apiKeys = Set.of();

        private Builder() {}

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** 0 picks an ephemeral port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder words(int words) {
            if (words < 0) {
                throw new IllegalArgumentException("words must be >= 0");
            }
            this.words = words;
            return this;
        }

        public Builder perChunk(int perChunk) {
            if (perChunk < 1) {
                throw new IllegalArgumentException("perChunk must be >= 1");
            }
            this.perChunk = perChunk;
            return this;
        }

        public Builder ttftMs(long ttftMs) {
            this.ttftMs = Math.max(0, ttftMs);
            return this;
        }

        public Builder delayMs(long delayMs) {
            this.delayMs = Math.max(0, delayMs);
            return this;
        }

        public Builder throttleFraction(double throttleFraction) {
            if (throttleFraction < 0 || throttleFraction > 1) {
                throw new IllegalArgumentException("throttleFraction must be in 0..1");
            }
            this.throttleFraction = throttleFraction;
            return this;
        }

        /** 0 = unlimited; a streaming call beyond the limit gets a 429 ThrottlingException. */
        public Builder maxConcurrentStreams(int maxConcurrentStreams) {
            this.maxConcurrentStreams = Math.max(0, maxConcurrentStreams);
            return this;
        }

        /**
         * A tokens-per-minute quota as Bedrock applies it, 0 = none: a call reserves its input tokens plus its
         * max tokens when it starts (429 ThrottlingException "Too many tokens" when they do not fit), and gives
         * back what it did not generate when it ends. The quota refills continuously, this many per
         * {@link #quotaWindowMs(long)}, up to this many.
         */
        public Builder tokensPerMinute(long tokensPerMinute) {
            this.tokensPerMinute = Math.max(0, tokensPerMinute);
            return this;
        }

        /**
         * How many quota tokens one output token burns when a call ends, per model ({@code pattern:weight,…},
         * {@code *} any run of characters, first match wins, else 1). Defaults to {@link #BEDROCK_OUTPUT_WEIGHTS}.
         */
        public Builder quotaOutputWeights(String spec) {
            BurndownWeights.parse(spec); // fail here on a bad one
            this.quotaOutputWeights = spec == null ? "" : spec;
            return this;
        }

        /** The length of the quota's minute; tests shorten it to run a per-minute quota in seconds. */
        public Builder quotaWindowMs(long quotaWindowMs) {
            if (quotaWindowMs < 1) {
                throw new IllegalArgumentException("quotaWindowMs must be >= 1");
            }
            this.quotaWindowMs = quotaWindowMs;
            return this;
        }

        /** Turns SigV4 verification on (both non-null) or off (either null). */
        public Builder credentials(String accessKeyId, String secretAccessKey) {
            this.accessKeyId = accessKeyId;
            this.secretAccessKey = secretAccessKey;
            return this;
        }

        public Builder logCalls(boolean logCalls) {
            this.logCalls = logCalls;
            return this;
        }

        /** Call log lines go to stdout instead of slf4j (the CLI uses this). */
        public Builder logToStdout(boolean logToStdout) {
            this.logToStdout = logToStdout;
            return this;
        }

        /** The role ARNs STS may issue credentials for; empty means any role. AssumeRole of another gets AccessDenied. */
        public Builder stsRoles(Set<String> roleArns) {
            this.stsRoles = Set.copyOf(roleArns);
            return this;
        }

        /** The web identity tokens AssumeRoleWithWebIdentity accepts; empty means any non-blank token. */
        public Builder webIdentityTokens(Set<String> tokens) {
            this.webIdentityTokens = Set.copyOf(tokens);
            return this;
        }

        /** How long issued temporary credentials are valid (at least 1 ms); Bedrock refuses them afterwards. */
        public Builder credentialLifetime(Duration lifetime) {
            if (lifetime == null || lifetime.toMillis() < 1) {
                throw new IllegalArgumentException("credentialLifetime must be at least 1 ms");
            }
            this.credentialLifetime = lifetime;
            return this;
        }

        /** The API keys bearer-token calls may use (see {@link EmulatorOptions#apiKeys()}); empty means any. */
        public Builder apiKeys(Set<String> apiKeys) {
            this.apiKeys = Set.copyOf(apiKeys);
            return this;
        }

        public EmulatorOptions build() {
            return new EmulatorOptions(this);
        }
    }
}
