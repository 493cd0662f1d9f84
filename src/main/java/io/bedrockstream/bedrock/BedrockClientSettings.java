package io.bedrockstream.bedrock;

import io.bedrockstream.model.ConfigNamed;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything needed to build the Bedrock Runtime async client.
 *
 * @param endpointOverride  null for the regional endpoint
 * @param streamIdleTimeout the longest silent gap on a connection (Netty read timeout), also before the
 *                          first byte
 * @param invocationTimeout the longest a whole call may take (SDK apiCallTimeout)
 * @param maxConnections    Netty's maxConcurrency; size it to the engine's in-flight limit
 */
public record BedrockClientSettings(
        String region,
        URI endpointOverride,
        HttpProtocol httpProtocol,
        CredentialsSettings credentials,
        Duration connectTimeout,
        Duration streamIdleTimeout,
        Duration invocationTimeout,
        int maxConnections) {

    /** {@code bedrock.http.protocol}, written as the constant's name. */
    public enum HttpProtocol implements ConfigNamed {
        HTTP2,
        HTTP1_1;

        @Override
        public String configName() {
            return name();
        }
    }

    // Config keys this layer names in its errors: their one spelling, which the connect layer's ConfigDef uses
    public static final String REGION_KEY = "bedrock.region";
    public static final String INVOCATION_TIMEOUT_KEY = "invocation.timeout.ms";
    public static final String STREAM_IDLE_TIMEOUT_KEY = "stream.idle.timeout.ms";

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_INVOCATION_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 50;

    public BedrockClientSettings {
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException(REGION_KEY + " is required");
        }
        httpProtocol = httpProtocol == null ? HttpProtocol.HTTP2 : httpProtocol;
        credentials = credentials == null ? CredentialsSettings.defaults() : credentials;
        connectTimeout = positiveOr(connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        streamIdleTimeout = positiveOr(streamIdleTimeout, DEFAULT_STREAM_IDLE_TIMEOUT);
        invocationTimeout = positiveOr(invocationTimeout, DEFAULT_INVOCATION_TIMEOUT);
        if (maxConnections <= 0) {
            maxConnections = DEFAULT_MAX_CONNECTIONS;
        }
    }

    public static Builder builder(String region) {
        return new Builder(region);
    }

    private static Duration positiveOr(Duration d, Duration fallback) {
        return d == null || d.isZero() || d.isNegative() ? fallback : d;
    }

    /** Builder with the defaults above; only the region is required. */
    public static final class Builder {
        private final String region;
        private URI endpointOverride;
        private HttpProtocol httpProtocol = HttpProtocol.HTTP2;
        private CredentialsSettings credentials = CredentialsSettings.defaults();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
        private Duration invocationTimeout = DEFAULT_INVOCATION_TIMEOUT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;

        private Builder(String region) {
            this.region = region;
        }

        public Builder endpointOverride(URI v) {
            this.endpointOverride = v;
            return this;
        }

        public Builder httpProtocol(HttpProtocol v) {
            this.httpProtocol = v;
            return this;
        }

        public Builder credentials(CredentialsSettings v) {
            this.credentials = Objects.requireNonNull(v);
            return this;
        }

        public Builder connectTimeout(Duration v) {
            this.connectTimeout = v;
            return this;
        }

        public Builder streamIdleTimeout(Duration v) {
            this.streamIdleTimeout = v;
            return this;
        }

        public Builder invocationTimeout(Duration v) {
            this.invocationTimeout = v;
            return this;
        }

        public Builder maxConnections(int v) {
            this.maxConnections = v;
            return this;
        }

        public BedrockClientSettings build() {
            return new BedrockClientSettings(
                    region,
                    endpointOverride,
                    httpProtocol,
                    credentials,
                    connectTimeout,
                    streamIdleTimeout,
                    invocationTimeout,
                    maxConnections);
        }
    }
}
