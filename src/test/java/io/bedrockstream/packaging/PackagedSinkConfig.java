package io.bedrockstream.packaging;

import io.bedrockstream.testkit.LocalKafkaConnect;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sink connector config the packaged tests register on a worker that loaded the plugin archive: plain prompt
 * strings keyed by request id in, bare JSON chunk records out, against the emulator with static dummy keys (the
 * emulator checks signatures only when started with keys). Each test gets its own topics, suffixed.
 */
record PackagedSinkConfig(String requests, String chunks, String completions, String deadLetters) {

    static final String MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
    private static final String STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter";

    static PackagedSinkConfig topics(String suffix) {
        return new PackagedSinkConfig(
                "packaged-requests" + suffix,
                "packaged-chunks" + suffix,
                "packaged-completions" + suffix,
                "packaged-dlq" + suffix);
    }

    Map<String, String> forEmulator(URI emulator, String bootstrapServers) {
        String endpoint = emulator.toString().replaceAll("/+$", "");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", LocalKafkaConnect.CONNECTOR_CLASS);
        config.put("tasks.max", "1");
        config.put("topics", requests);
        config.put("key.converter", STRING_CONVERTER);
        config.put("value.converter", STRING_CONVERTER);
        config.put("header.converter", STRING_CONVERTER);
        config.put("bedrock.region", "us-east-1");
        config.put("bedrock.endpoint.override", endpoint);
        config.put("bedrock.credentials.provider", "static");
        config.put("bedrock.access.key.id", "packaged");
        config.put("bedrock.secret.access.key", "packaged");
        config.put("bedrock.model.id", MODEL);
        config.put("request.mode", "prompt");
        config.put("output.topic", chunks);
        config.put("output.completions.topic", completions);
        config.put("output.bootstrap.servers", bootstrapServers);
        config.put("retry.backoff.ms", "200");
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", deadLetters);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        return config;
    }
}
