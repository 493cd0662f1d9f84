package io.bedrockstream.demo;

import io.bedrockstream.testkit.LocalKafkaConnect;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** The sink connector's config for the demo (and the packaged-plugin test), against the emulator or Bedrock. */
public final class DemoConnectorConfig {

    public static final String CONNECTOR_NAME = "bedrock-demo";
    public static final String CONVERSE_CONNECTOR_NAME = "bedrock-demo-converse";
    public static final String REQUESTS_TOPIC = "bedrock-requests";
    public static final String CONVERSE_REQUESTS_TOPIC = "bedrock-converse-requests";
    public static final String CHUNKS_TOPIC = "bedrock-chunks";
    public static final String COMPLETIONS_TOPIC = "bedrock-completions";
    public static final String DLQ_TOPIC = "bedrock-dlq";
    public static final String STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter";

    private DemoConnectorConfig() {}

    /** Static dummy credentials: the emulator does not check signatures unless started with keys. */
    public static Map<String, String> forEmulator(URI emulatorEndpoint, String bootstrapServers) {
        Map<String, String> config = common(bootstrapServers);
        config.put("bedrock.region", "us-east-1");
        config.put("bedrock.endpoint.override", stripTrailingSlash(emulatorEndpoint.toString()));
        config.put("bedrock.credentials.provider", "static");
        config.put("bedrock.access.key.id", "demo");
        config.put("bedrock.secret.access.key", "demo");
        config.put("bedrock.model.id", DemoRequest.DEFAULT_EMULATED_MODEL);
        config.put("request.model.override.header", DemoRequest.MODEL_HEADER);
        config.put("request.model.allowed", String.join(",", DemoRequest.ALLOWED_MODELS));
        return config;
    }

    /**
     * A second sink on its own request topic, with bedrock.api=converse: each record value is a Converse request
     * (passthrough), and its typed deltas (text, tool use, reasoning) go to the same chunks, completions and
     * dead-letter topics.
     */
    public static Map<String, String> forEmulatorConverse(URI emulatorEndpoint, String bootstrapServers) {
        Map<String, String> config = forEmulator(emulatorEndpoint, bootstrapServers);
        config.remove("request.model.override.header");
        config.remove("request.model.allowed");
        config.put("topics", CONVERSE_REQUESTS_TOPIC);
        config.put("bedrock.api", "converse");
        config.put("bedrock.model.id", DemoRequest.CONVERSE_MODEL);
        config.put("request.mode", "passthrough");
        return config;
    }

    /**
     * Real Amazon Bedrock: credentials from the SDK's default chain of the worker process (environment, profile,
     * instance role); the caller needs bedrock:InvokeModelWithResponseStream on the model. Answers are kept short.
     */
    public static Map<String, String> forBedrock(String region, String modelId, String bootstrapServers) {
        Map<String, String> config = common(bootstrapServers);
        config.put("bedrock.region", region);
        config.put("bedrock.credentials.provider", "default");
        config.put("bedrock.model.id", modelId);
        config.put("request.max.tokens", "200");
        return config;
    }

    private static Map<String, String> common(String bootstrapServers) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", LocalKafkaConnect.CONNECTOR_CLASS);
        config.put("tasks.max", "1");
        config.put("topics", REQUESTS_TOPIC);
        // requests are plain prompt strings keyed by request id; header values are plain strings too
        config.put("key.converter", STRING_CONVERTER);
        config.put("value.converter", STRING_CONVERTER);
        config.put("header.converter", STRING_CONVERTER);
        config.put("request.mode", "prompt");
        config.put("output.topic", CHUNKS_TOPIC);
        config.put("output.completions.topic", COMPLETIONS_TOPIC);
        config.put("output.bootstrap.servers", bootstrapServers);
        config.put("output.value.converter.schemas.enable", "false");
        config.put("retry.backoff.ms", "200");
        config.put("retry.backoff.max.ms", "1000");
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", DLQ_TOPIC);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        return config;
    }

    private static String stripTrailingSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
