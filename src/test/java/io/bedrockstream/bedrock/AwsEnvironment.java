package io.bedrockstream.bedrock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The AWS SDK's environment for one test, as system properties (the SDK reads {@code aws.configFile},
 * {@code aws.webIdentityTokenFile}, {@code aws.endpointUrlSts}… where a worker would have AWS_CONFIG_FILE,
 * AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ENDPOINT_URL_STS…). Empty config and credentials files shut out the
 * machine's own ~/.aws, and IMDS is off so the default chain fails fast. Closing restores every property.
 */
final class AwsEnvironment implements AutoCloseable {

    private final Map<String, String> previous = new LinkedHashMap<>();
    private final Path dir;

    AwsEnvironment(Path dir, URI stsEndpoint) {
        this.dir = dir;
        set("aws.configFile", write("config", "").toString());
        set("aws.sharedCredentialsFile", write("credentials", "").toString());
        set("aws.endpointUrlSts", stsEndpoint.toString());
        set("aws.region", "us-east-1");
        set("aws.disableEc2Metadata", "true");
        for (String clear : new String[] {
            "aws.accessKeyId",
            "aws.secretAccessKey",
            "aws.sessionToken",
            "aws.webIdentityTokenFile",
            "aws.roleArn",
            "aws.roleSessionName",
            "aws.profile",
            "aws.bearerTokenBedrock"
        }) {
            set(clear, null);
        }
    }

    /** Replaces the AWS config file (profiles with role_arn, region…). */
    AwsEnvironment config(String text) {
        write("config", text);
        return this;
    }

    AwsEnvironment credentialsFile(String text) {
        write("credentials", text);
        return this;
    }

    /** EKS (IRSA) style: the token file and the role, as the pod identity webhook sets them. */
    AwsEnvironment webIdentity(Path tokenFile, String roleArn) {
        set("aws.webIdentityTokenFile", tokenFile.toString());
        set("aws.roleArn", roleArn);
        set("aws.roleSessionName", "eks-pod");
        return this;
    }

    AwsEnvironment keys(String accessKeyId, String secret) {
        set("aws.accessKeyId", accessKeyId);
        set("aws.secretAccessKey", secret);
        return this;
    }

    /** A Bedrock API key as AWS_BEARER_TOKEN_BEDROCK would give it (null clears it). */
    AwsEnvironment bearerTokenBedrock(String apiKey) {
        set("aws.bearerTokenBedrock", apiKey);
        return this;
    }

    Path write(String name, String text) {
        Path file = dir.resolve(name);
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private void set(String key, String value) {
        if (!previous.containsKey(key)) {
            previous.put(key, System.getProperty(key));
        }
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }
}
