package io.bedrockstream.bedrock;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.ResolveIdentityRequest;
import software.amazon.awssdk.identity.spi.TokenIdentity;
import software.amazon.awssdk.utils.SystemSetting;

/**
 * Gives the SDK a Bedrock API key as its bearer token ({@code bedrock.credentials.provider=api-key}). The key is
 * held here only; nothing here prints it ({@link #toString()} and the identity's are masked). Without a key every
 * call fails with a {@link CredentialsUnavailableException} that says what to set: a setup error.
 */
final class ApiKeyTokenProvider implements IdentityProvider<TokenIdentity> {

    /**
     * The SDK's own setting for a Bedrock API key (BedrockRuntime's {@code EnvironmentTokenSystemSettings}):
     * the {@code aws.bearerTokenBedrock} system property, else the {@code AWS_BEARER_TOKEN_BEDROCK} variable.
     */
    static final SystemSetting SDK_BEARER_TOKEN = new SystemSetting() {
        @Override
        public String property() {
            return "aws.bearerTokenBedrock";
        }

        @Override
        public String environmentVariable() {
            return "AWS_BEARER_TOKEN_BEDROCK";
        }

        @Override
        public String defaultValue() {
            return null;
        }
    };

    private final CompletableFuture<TokenIdentity> identity;

    ApiKeyTokenProvider(String apiKey) {
        this.identity = apiKey == null || apiKey.isBlank()
                ? CompletableFuture.failedFuture(new CredentialsUnavailableException(
                        ErrorKind.CONFIGURATION,
                        "bedrock.credentials.provider=api-key needs bedrock.api.key, which is not set. Set it to a Bedrock "
                                + "API key (a ${file:...} or ${env:...} config provider keeps it out of the connector "
                                + "config), or choose another bedrock.credentials.provider."))
                : CompletableFuture.completedFuture(new ApiKey(apiKey.strip()));
    }

    /** Whether the SDK would find an API key of its own (the default provider then lets the SDK use it). */
    static boolean sdkHasBearerToken() {
        Optional<String> value = SDK_BEARER_TOKEN.getStringValue();
        return value.isPresent() && !value.get().isBlank();
    }

    @Override
    public Class<TokenIdentity> identityType() {
        return TokenIdentity.class;
    }

    @Override
    public CompletableFuture<? extends TokenIdentity> resolveIdentity(ResolveIdentityRequest request) {
        return identity;
    }

    @Override
    public String toString() {
        return "ApiKeyTokenProvider[****]";
    }

    private record ApiKey(String token) implements TokenIdentity {
        @Override
        public String toString() {
            return "ApiKey[****]";
        }
    }
}
