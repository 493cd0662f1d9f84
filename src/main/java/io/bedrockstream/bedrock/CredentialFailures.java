package io.bedrockstream.bedrock;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.Locale;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;

/**
 * Turns whatever a credentials provider threw into a {@link CredentialsUnavailableException} that says which
 * provider failed, why (the SDK's or STS's words, secrets scrubbed) and what to fix. Network trouble and STS
 * throttling or 5xx are transient; everything else is the setup's fault.
 */
final class CredentialFailures {

    static final String MISSING_HTTP_CLIENT = "unable to load an http implementation";
    private static final int MAX_DETAIL = 1200;
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)(aws_secret_access_key|aws_session_token|aws_bearer_token_bedrock|bearerTokenBedrock|secretAccessKey"
                    + "|sessionToken|webIdentityToken"
                    + "|x-amz-security-token)(\\s*[=:]\\s*)[^\\s,;)\\]}&'\"]+");
    /** A bearer token as sent ({@code Bearer …}) and Bedrock API keys by their prefixes, wherever they appear. */
    private static final Pattern BEARER_TOKEN = Pattern.compile(
            "(?i)(bearer\\s+)[^\\s,;)\\]}&'\"]+|\\bABSK[A-Za-z0-9+/=_-]{8,}|\\bbedrock-api-key-[^\\s,;)\\]}&'\"]+");
    /**
     * STS (query protocol) answers SignatureDoesNotMatch with the canonical request and the string to sign it
     * expected: the signed headers, session token included. Nothing from there on is worth showing.
     */
    private static final Pattern SIGNING_DETAILS =
            Pattern.compile("(?is)\\s*The (Canonical String|String[ -]to[ -]Sign)\\b.*");

    private CredentialFailures() {}

    /**
     * @param source  the provider and its setting, e.g. "profile 'dev' (bedrock.credentials.provider=profile,
     *                bedrock.profile.name)"
     * @param fix     what to check, as a sentence
     * @param secrets values that must not appear in the message (keys, tokens, external id)
     */
    static CredentialsUnavailableException describe(
            String source, String fix, Throwable failure, Collection<String> secrets) {
        if (failure instanceof CredentialsUnavailableException already) {
            return already;
        }
        // scrubbed before it is cut short, so a cut never leaves half a secret the patterns no longer see
        String detail = shortened(scrub(detail(failure), secrets));
        if (hasMessage(failure, MISSING_HTTP_CLIENT)) {
            return new CredentialsUnavailableException(
                    ErrorKind.CONFIGURATION,
                    source + " gave no credentials: "
                            + "the AWS SDK found no synchronous HTTP client for its STS client (" + detail
                            + "). The plugin's "
                            + "lib/ must hold url-connection-client: install the whole plugin archive.");
        }
        if (isTransient(failure)) {
            return new CredentialsUnavailableException(
                    ErrorKind.TRANSIENT,
                    source + " could not get credentials for now (" + detail + "); it keeps trying.");
        }
        return new CredentialsUnavailableException(
                ErrorKind.CONFIGURATION, source + " gave no credentials: " + detail + ". " + fix);
    }

    /** Network trouble, timeouts, and STS saying it is busy or broken: worth retrying as they are. */
    static boolean isTransient(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof AwsServiceException service) {
                return service.isThrottlingException() || service.statusCode() >= 500;
            }
            if (c instanceof SocketException
                    || c instanceof SocketTimeoutException
                    || c instanceof UnknownHostException
                    || c instanceof ApiCallTimeoutException
                    || c instanceof ApiCallAttemptTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** A service error as "Code: message"; anything else by its message, which names the provider chain's steps. */
    private static String detail(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof AwsServiceException service && service.awsErrorDetails() != null) {
                return service.awsErrorDetails().errorCode() + ": "
                        + service.awsErrorDetails().errorMessage();
            }
        }
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            message = failure.getClass().getSimpleName();
        }
        return message;
    }

    private static String shortened(String detail) {
        return detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL) + "…";
    }

    static String scrub(String text, Collection<String> secrets) {
        String out = SIGNING_DETAILS.matcher(text).replaceFirst(" (the signing details STS sent are left out)");
        out = SECRET_ASSIGNMENT.matcher(out).replaceAll("$1$2****");
        out = BEARER_TOKEN.matcher(out).replaceAll(m -> m.group(1) != null ? m.group(1) + "****" : "****");
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 4) {
                out = out.replace(secret, "****");
            }
        }
        return out;
    }

    private static boolean hasMessage(Throwable failure, String lowerCaseText) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null
                    && c.getMessage().toLowerCase(Locale.ROOT).contains(lowerCaseText)) {
                return true;
            }
        }
        return false;
    }
}
