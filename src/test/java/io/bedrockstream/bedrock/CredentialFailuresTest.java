package io.bedrockstream.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a credentials failure's message may carry: the reason, never a secret. */
class CredentialFailuresTest {

    private static final String TOKEN = "IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMSJHMEUCIQD4bm9ub25vbm9ub25vbm9ub24K";

    /** STS's query protocol answers a bad signature with the canonical request, signed session token included. */
    @Test
    void aSignatureDoesNotMatchMessageFromStsLeaksNeitherTheSessionTokenNorTheCanonicalRequest() {
        String message = "The request signature we calculated does not match the signature you provided. Check your "
                + "AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n"
                + "The Canonical String for this request should have been\n'POST\n/\n\n"
                + "content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:sts.amazonaws.com\n"
                + "x-amz-date:20240611T101010Z\nx-amz-security-token:" + TOKEN + "\n\n"
                + "content-type;host;x-amz-date;x-amz-security-token\n"
                + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'\n\n"
                + "The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20240611T101010Z\n"
                + "20240611/us-east-1/sts/aws4_request\nabc'\n";

        String scrubbed = CredentialFailures.scrub(message, List.of());

        assertThat(scrubbed)
                .doesNotContain(TOKEN)
                .doesNotContain("x-amz-date:")
                .doesNotContain("AWS4-HMAC")
                .startsWith("The request signature we calculated does not match");
    }

    @Test
    void aSecurityTokenInAnyCaseAndWithAnySeparatorIsScrubbed() {
        for (String leak : List.of(
                "x-amz-security-token:" + TOKEN,
                "X-Amz-Security-Token=" + TOKEN,
                "X-AMZ-SECURITY-TOKEN: " + TOKEN,
                "https://sts.amazonaws.com/?Action=GetCallerIdentity&" + "X-Amz-Security-Token=" + TOKEN
                        + "&X-Amz-Date=20240611T101010Z")) {
            assertThat(CredentialFailures.scrub("failed: " + leak + " (more)", List.of()))
                    .as(leak)
                    .doesNotContain(TOKEN)
                    .contains("****");
        }
    }

    @Test
    void theStringToSignIsCutOffToo() {
        assertThat(CredentialFailures.scrub(
                        "SignatureDoesNotMatch: bad. The String to Sign should have been " + "'AWS4-HMAC-SHA256 x'",
                        List.of()))
                .doesNotContain("AWS4-HMAC")
                .startsWith("SignatureDoesNotMatch");
    }

    @Test
    void bearerTokensAndBedrockApiKeysAreScrubbedWhereverTheyAppear() {
        String longTerm = "ABSKQmVkcm9ja0FQSUtleS1sZWFrOnNlY3JldA==";
        String shortTerm = "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbg%3D%3D";
        for (String leak : List.of(
                "Authorization: Bearer " + longTerm,
                "authorization=bearer " + shortTerm,
                "key " + longTerm + " refused",
                "(" + shortTerm + ")",
                "AWS_BEARER_TOKEN_BEDROCK=" + longTerm,
                "aws.bearerTokenBedrock: " + shortTerm)) {
            String scrubbed = CredentialFailures.scrub("failed: " + leak + " (more)", List.of());
            assertThat(scrubbed)
                    .as(leak)
                    .doesNotContain(longTerm)
                    .doesNotContain(shortTerm)
                    .contains("****")
                    .startsWith("failed: ")
                    .endsWith(" (more)");
        }
        assertThat(CredentialFailures.scrub("Authorization: Bearer " + longTerm, List.of()))
                .isEqualTo("Authorization: Bearer ****");
    }
}
