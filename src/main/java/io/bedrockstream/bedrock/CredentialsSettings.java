package io.bedrockstream.bedrock;

import io.bedrockstream.model.ConfigNamed;
import java.net.URI;
import java.util.Locale;

/**
 * How the client authenticates: AWS credentials (SigV4) or, with {@code API_KEY}, a Bedrock API key sent as a
 * bearer token. Only the fields the chosen provider needs are used. {@link #toString()} masks the secret, the
 * session token and the API key so settings can be logged.
 *
 * @param stsEndpointOverride the STS endpoint {@code ASSUME_ROLE} calls; null for the region's standard one
 * @param apiKey              the Bedrock API key {@code API_KEY} sends
 */
public record CredentialsSettings(
        Provider provider,
        String accessKeyId,
        String secretAccessKey,
        String sessionToken,
        String profileName,
        String roleArn,
        String roleExternalId,
        String roleSessionName,
        URI stsEndpointOverride,
        String apiKey) {

    /** {@code bedrock.credentials.provider}, written lower-case with '-' for '_' (assume-role). */
    public enum Provider implements ConfigNamed {
        DEFAULT,
        STATIC,
        PROFILE,
        ASSUME_ROLE,
        API_KEY;

        @Override
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    // The credentials config keys, named in credentials errors: their one spelling, which the connect layer's
    // ConfigDef uses
    public static final String PROVIDER_KEY = "bedrock.credentials.provider";
    public static final String ACCESS_KEY_ID_KEY = "bedrock.access.key.id";
    public static final String SECRET_ACCESS_KEY_KEY = "bedrock.secret.access.key";
    public static final String SESSION_TOKEN_KEY = "bedrock.session.token";
    public static final String PROFILE_NAME_KEY = "bedrock.profile.name";
    public static final String ROLE_ARN_KEY = "bedrock.role.arn";
    public static final String ROLE_EXTERNAL_ID_KEY = "bedrock.role.external.id";
    public static final String ROLE_SESSION_NAME_KEY = "bedrock.role.session.name";
    public static final String STS_ENDPOINT_OVERRIDE_KEY = "bedrock.sts.endpoint.override";
    public static final String API_KEY_KEY = "bedrock.api.key";
    /** The session name an assumed role's sessions get when bedrock.role.session.name is empty. */
    public static final String DEFAULT_ROLE_SESSION_NAME = "kafka-connect-bedrock-stream";

    public CredentialsSettings {
        provider = provider == null ? Provider.DEFAULT : provider;
    }

    public static CredentialsSettings defaults() {
        return new CredentialsSettings(Provider.DEFAULT, null, null, null, null, null, null, null, null, null);
    }

    public static CredentialsSettings staticKeys(String accessKeyId, String secretAccessKey, String sessionToken) {
        return new CredentialsSettings(
                Provider.STATIC, accessKeyId, secretAccessKey, sessionToken, null, null, null, null, null, null);
    }

    public static CredentialsSettings profile(String profileName) {
        return new CredentialsSettings(Provider.PROFILE, null, null, null, profileName, null, null, null, null, null);
    }

    public static CredentialsSettings assumeRole(String roleArn, String externalId, String sessionName) {
        return assumeRole(roleArn, externalId, sessionName, null);
    }

    public static CredentialsSettings assumeRole(
            String roleArn, String externalId, String sessionName, URI stsEndpointOverride) {
        return new CredentialsSettings(
                Provider.ASSUME_ROLE,
                null,
                null,
                null,
                null,
                roleArn,
                externalId,
                sessionName,
                stsEndpointOverride,
                null);
    }

    /** A Bedrock API key, sent as {@code Authorization: Bearer <key>} instead of a SigV4 signature. */
    public static CredentialsSettings apiKey(String apiKey) {
        return new CredentialsSettings(Provider.API_KEY, null, null, null, null, null, null, null, null, apiKey);
    }

    @Override
    public String toString() {
        return "CredentialsSettings[provider=" + provider
                + ", accessKeyId=" + maskKeyId(accessKeyId)
                + ", secretAccessKey=" + mask(secretAccessKey)
                + ", sessionToken=" + mask(sessionToken)
                + ", profileName=" + profileName
                + ", roleArn=" + roleArn
                + ", roleExternalId=" + mask(roleExternalId)
                + ", roleSessionName=" + roleSessionName
                + ", stsEndpointOverride=" + stsEndpointOverride
                + ", apiKey=" + mask(apiKey) + "]";
    }

    private static String mask(String secret) {
        return secret == null ? null : "****";
    }

    /** Key ids are not secret on their own, but only the last 4 characters help anyone reading a log. */
    private static String maskKeyId(String keyId) {
        if (keyId == null) {
            return null;
        }
        return keyId.length() <= 4 ? "****" : "****" + keyId.substring(keyId.length() - 4);
    }
}
