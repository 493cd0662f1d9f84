package io.bedrockstream.bedrock;

import java.net.URI;

/**
 * How the client authenticates: AWS credentials (SigV4) or, with {@code API_KEY}, a Bedrock API key sent as a
 * bearer token. Only the fields the chosen provider needs are used. {@link #toString()} masks the secret, the
 * session token and the API key so settings can be logged.
 *
 * @param stsEndpointOverride the STS endpoint {@code ASSUME_ROLE} calls; null for the region's standard one
 * @param apiKey              the Bedrock API key {@code API_KEY} sends
 */
public record CredentialsSettings(Provider provider, String accessKeyId, String secretAccessKey,
                                  String sessionToken, String profileName, String roleArn,
                                  String roleExternalId, String roleSessionName, URI stsEndpointOverride,
                                  String apiKey) {

    public enum Provider { DEFAULT, STATIC, PROFILE, ASSUME_ROLE, API_KEY }

    public CredentialsSettings {
        provider = provider == null ? Provider.DEFAULT : provider;
    }

    public static CredentialsSettings defaults() {
        return new CredentialsSettings(Provider.DEFAULT, null, null, null, null, null, null, null, null, null);
    }

    public static CredentialsSettings staticKeys(String accessKeyId, String secretAccessKey, String sessionToken) {
        return new CredentialsSettings(Provider.STATIC, accessKeyId, secretAccessKey, sessionToken,
                null, null, null, null, null, null);
    }

    public static CredentialsSettings profile(String profileName) {
        return new CredentialsSettings(Provider.PROFILE, null, null, null, profileName, null, null, null, null, null);
    }

    public static CredentialsSettings assumeRole(String roleArn, String externalId, String sessionName) {
        return assumeRole(roleArn, externalId, sessionName, null);
    }

    public static CredentialsSettings assumeRole(String roleArn, String externalId, String sessionName,
                                                 URI stsEndpointOverride) {
        return new CredentialsSettings(Provider.ASSUME_ROLE, null, null, null, null, roleArn, externalId,
                sessionName, stsEndpointOverride, null);
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
