package io.bedrockstream.bedrock;

/**
 * No credentials to sign a call with, and why, in words that say what to fix: which provider, which setting.
 * {@link #kind()} is {@link ErrorKind#CONFIGURATION} for a setup problem (missing keys, unknown profile, a role
 * that cannot be assumed, a missing token file) and {@link ErrorKind#TRANSIENT} when STS or the network failed
 * for the moment. The message never holds a secret; the SDK's own exception stays out of it (and out of the
 * cause) because it may carry details this class cannot vouch for.
 */
public final class CredentialsUnavailableException extends RuntimeException {

    private final ErrorKind kind;

    CredentialsUnavailableException(ErrorKind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }
}
