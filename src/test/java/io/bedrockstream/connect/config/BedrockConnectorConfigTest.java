package io.bedrockstream.connect.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bedrockstream.bedrock.BedrockClientSettings.HttpProtocol;
import io.bedrockstream.bedrock.CredentialsSettings.Provider;
import io.bedrockstream.connect.LeanJsonConverter;
import io.bedrockstream.connect.TestConfigs;
import io.bedrockstream.connect.config.Choice.RequestOrdering;
import io.bedrockstream.connect.config.Choice.SetupErrorAction;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.request.IdSource;
import io.bedrockstream.request.RequestMode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.StringConverter;
import org.junit.jupiter.api.Test;

class BedrockConnectorConfigTest {

    static BedrockConnectorConfig config(String... kv) {
        Map<String, String> props = TestConfigs.validSink();
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        return new BedrockConnectorConfig(props);
    }

    @Test
    void defaults() {
        BedrockConnectorConfig c = config();
        assertThat(c.region()).isEqualTo("us-east-1");
        assertThat(c.endpointOverride()).isEmpty();
        assertThat(c.httpProtocol()).isEqualTo(HttpProtocol.HTTP2);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.credentialsProvider()).isEqualTo(Provider.DEFAULT);
        assertThat(c.accessKeyId()).isEmpty();
        assertThat(c.secretAccessKey()).isEmpty();
        assertThat(c.sessionToken()).isEmpty();
        assertThat(c.profileName()).isEmpty();
        assertThat(c.roleArn()).isEmpty();
        assertThat(c.roleExternalId()).isEmpty();
        assertThat(c.roleSessionName()).isEqualTo("kafka-connect-bedrock-stream");
        assertThat(c.modelId()).isEqualTo("anthropic.claude-3-5-haiku-20241022-v1:0");
        assertThat(c.modelFamily()).isEmpty();
        assertThat(c.modelOverrideHeader()).isEmpty();
        assertThat(c.allowedModels()).isEmpty();
        assertThat(c.modelOverrideAllowed("amazon.nova-lite-v1:0")).isFalse();
        assertThat(c.guardrailIdentifier()).isEmpty();
        assertThat(c.guardrailVersion()).isEmpty();
        assertThat(c.trace()).isEmpty();
        assertThat(c.performanceLatency()).isEmpty();
        assertThat(c.requestMode()).isEqualTo(RequestMode.PASSTHROUGH);
        assertThat(c.requestTemplate()).isEmpty();
        assertThat(c.promptPointer()).isEmpty();
        assertThat(c.systemPointer()).isEmpty();
        assertThat(c.systemPrompt()).isEmpty();
        assertThat(c.maxTokens()).isEqualTo(512);
        assertThat(c.temperature()).isEmpty();
        assertThat(c.topP()).isEmpty();
        assertThat(c.stopSequences()).isEmpty();
        assertThat(c.requestIdSource()).isEqualTo(IdSource.KEY);
        assertThat(c.requestIdHeader()).isEmpty();
        assertThat(c.requestIdPointer()).isEmpty();
        assertThat(c.requestMaxBytes()).isEqualTo(1_000_000);
        assertThat(c.requestContentType()).isEqualTo("application/json");
        assertThat(c.requestAccept()).isEqualTo("application/json");
        assertThat(c.outputTopic()).isEqualTo("responses");
        assertThat(c.completionsTopic()).isEmpty();
        assertThat(c.outputChunkRaw()).isFalse();
        assertThat(c.outputChunkContext()).isFalse();
        assertThat(c.maxInFlightRequests()).isEqualTo(16);
        assertThat(c.retryMaxAttempts()).isEqualTo(5);
        assertThat(c.retryThrottlingMaxAttempts()).isZero();
        assertThat(c.retryBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.retryDeadline()).contains(Duration.ofMinutes(5));
        assertThat(c.retryTransientErrors().all()).isTrue();
        assertThat(c.invocationTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.streamIdleTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.requestOrdering()).isEqualTo(RequestOrdering.NONE);
        assertThat(c.rateRequestsPerMinute()).isZero();
        assertThat(c.rateTokensPerMinute()).isZero();
        assertThat(c.adaptiveConcurrencyEnabled()).isTrue();
        assertThat(c.setupErrorAction()).isEqualTo(SetupErrorAction.FAIL);
        assertThat(c.errorsTolerateAll()).isFalse();
        assertThat(c.connectorName()).isEqualTo("bedrock-sink");
    }

    @Test
    void typedAccessorsReadWhatWasSet() {
        BedrockConnectorConfig c = config(
                "bedrock.endpoint.override", "http://localhost:4566",
                "bedrock.http.protocol", "http1_1",
                "bedrock.credentials.provider", "ASSUME-ROLE",
                "bedrock.role.arn", "arn:aws:iam::123456789012:role/invoker",
                "bedrock.role.external.id", "ext-1",
                "bedrock.sts.endpoint.override", "https://sts.us-east-1.amazonaws.com",
                "bedrock.model.family", "Mistral-Chat",
                "request.model.override.header", "x-model",
                "request.model.allowed", "amazon.nova-lite-v1:0, amazon.nova-pro-v1:0",
                "bedrock.trace", "enabled_full",
                "bedrock.performance.latency", "OPTIMIZED",
                "request.mode", "prompt",
                "request.temperature", "0.7",
                "request.top.p", "0.9",
                "request.stop.sequences", "END,STOP",
                "request.id.source", "Header",
                "retry.deadline.ms", "0",
                "retry.throttling.max.attempts", "12",
                "retry.transient.errors", "ConnectionError",
                "request.ordering", "key",
                "setup.error.action", "dlq",
                "errors.tolerance", "ALL");
        assertThat(c.endpointOverride()).contains(URI.create("http://localhost:4566"));
        assertThat(c.httpProtocol()).isEqualTo(HttpProtocol.HTTP1_1);
        assertThat(c.credentialsProvider()).isEqualTo(Provider.ASSUME_ROLE);
        assertThat(c.roleArn()).contains("arn:aws:iam::123456789012:role/invoker");
        assertThat(c.roleExternalId()).map(p -> p.value()).contains("ext-1");
        assertThat(c.stsEndpointOverride()).contains(URI.create("https://sts.us-east-1.amazonaws.com"));
        assertThat(c.modelFamily()).contains(ModelFamily.MISTRAL_CHAT);
        assertThat(c.modelOverrideHeader()).contains("x-model");
        assertThat(c.allowedModels()).containsExactly("amazon.nova-lite-v1:0", "amazon.nova-pro-v1:0");
        assertThat(c.modelOverrideAllowed("amazon.nova-pro-v1:0")).isTrue();
        assertThat(c.modelOverrideAllowed("amazon.titan-text-express-v1")).isFalse();
        assertThat(c.trace()).contains("ENABLED_FULL");
        assertThat(c.performanceLatency()).contains("optimized");
        assertThat(c.requestMode()).isEqualTo(RequestMode.PROMPT);
        assertThat(c.temperature()).contains(0.7);
        assertThat(c.topP()).contains(0.9);
        assertThat(c.stopSequences()).containsExactly("END", "STOP");
        assertThat(c.requestIdSource()).isEqualTo(IdSource.HEADER);
        assertThat(c.retryDeadline()).isEmpty();
        assertThat(c.retryThrottlingMaxAttempts()).isEqualTo(12);
        assertThat(c.retryTransientErrors().retries("ConnectionError")).isTrue();
        assertThat(c.retryTransientErrors().retries("InternalServerException")).isFalse();
        assertThat(c.requestOrdering()).isEqualTo(RequestOrdering.KEY);
        assertThat(c.setupErrorAction()).isEqualTo(SetupErrorAction.DLQ);
        assertThat(c.errorsTolerateAll()).isTrue();
    }

    @Test
    void anyModelWithStar() {
        assertThat(config("request.model.allowed", "*").modelOverrideAllowed("whatever"))
                .isTrue();
    }

    @Test
    void passwordsAreMaskedInToStringAndValues() {
        BedrockConnectorConfig c = config(
                "bedrock.credentials.provider",
                "static",
                "bedrock.access.key.id",
                "AKIAVERYSECRET",
                "bedrock.secret.access.key",
                "wJalrSECRETKEY",
                "bedrock.session.token",
                "SESSIONSECRET",
                "bedrock.role.external.id",
                "EXTERNALSECRET");
        String all = c.toString() + c.values() + c.originalsStrings().keySet();
        assertThat(c.toString()).contains("bedrock.secret.access.key=[hidden]");
        assertThat(c.toString() + c.values())
                .doesNotContain("AKIAVERYSECRET", "wJalrSECRETKEY", "SESSIONSECRET", "EXTERNALSECRET");
        assertThat(all).contains("bedrock.access.key.id");
        assertThat(c.secretAccessKey()).map(p -> p.value()).contains("wJalrSECRETKEY");
        assertThat(c.secretAccessKey()).map(Object::toString).contains("[hidden]");
    }

    @Test
    void validateMasksPasswordsToo() {
        Map<String, String> props = TestConfigs.validSink();
        props.put("bedrock.secret.access.key", "wJalrSECRETKEY");
        ConfigValue secret = BedrockConnectorConfig.configDef().validate(props).stream()
                .filter(v -> v.name().equals("bedrock.secret.access.key"))
                .findFirst()
                .orElseThrow();
        assertThat(secret.toString()).doesNotContain("wJalrSECRETKEY");
    }

    @Test
    void requiredKeysAreRequired() {
        for (String key : List.of("bedrock.region", "bedrock.model.id", "output.topic")) {
            Map<String, String> props = TestConfigs.validSink();
            props.remove(key);
            assertThatThrownBy(() -> new BedrockConnectorConfig(props))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(key);
        }
    }

    @Test
    void singleFieldValidatorsRejectBadValues() {
        Map<String, String> bad = Map.ofEntries(
                Map.entry("bedrock.region", " "),
                Map.entry("bedrock.endpoint.override", "localhost:8080"),
                Map.entry("bedrock.http.protocol", "HTTP3"),
                Map.entry("bedrock.connect.timeout.ms", "0"),
                Map.entry("bedrock.credentials.provider", "env"),
                Map.entry("bedrock.role.arn", "arn:aws:iam::12345:user/bob"),
                Map.entry("bedrock.model.family", "gpt"),
                Map.entry("bedrock.guardrail.version", "0"),
                Map.entry("bedrock.trace", "ON"),
                Map.entry("bedrock.performance.latency", "fast"),
                Map.entry("request.mode", "raw"),
                Map.entry("request.prompt.pointer", "prompt"),
                Map.entry("request.max.tokens", "0"),
                Map.entry("request.temperature", "3"),
                Map.entry("request.top.p", "1.1"),
                Map.entry("request.id.source", "uuid"),
                Map.entry("request.max.bytes", "25000001"),
                Map.entry("max.in.flight.requests", "0"),
                Map.entry("retry.max.attempts", "0"),
                Map.entry("retry.throttling.max.attempts", "-1"),
                Map.entry("retry.backoff.ms", "-1"),
                Map.entry("retry.transient.errors", "ThrottlingException"),
                Map.entry("request.ordering", "partition"),
                Map.entry("rate.requests.per.minute", "-1"),
                Map.entry("setup.error.action", "ignore"));
        ConfigDef def = BedrockConnectorConfig.configDef();
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Map<String, String> props = TestConfigs.validSink();
            props.put(e.getKey(), e.getValue());
            List<String> errors = def.validate(props).stream()
                    .filter(v -> v.name().equals(e.getKey()))
                    .findFirst()
                    .orElseThrow()
                    .errorMessages();
            assertThat(errors).as("%s=%s", e.getKey(), e.getValue()).hasSize(1);
        }
        Map<String, String> props = TestConfigs.validSink();
        props.put("request.max.bytes", "25000000");
        assertThat(new BedrockConnectorConfig(props).requestMaxBytes()).isEqualTo(25_000_000);
    }

    @Test
    void everyKeyIsFullyDocumented() {
        for (ConfigDef.ConfigKey key :
                BedrockSinkConfig.configDef().configKeys().values()) {
            assertThat(key.documentation).as(key.name).isNotBlank();
            assertThat(key.group).as(key.name).isNotBlank();
            assertThat(key.displayName).as(key.name).isNotBlank();
            assertThat(key.orderInGroup).as(key.name).isPositive();
            assertThat(key.name).as(key.name).matches("[a-z0-9.]+");
        }
    }

    @Test
    void enumeratedKeysRecommendTheirValues() {
        Map<String, ConfigDef.ConfigKey> keys =
                BedrockConnectorConfig.configDef().configKeys();
        assertThat(keys.get("bedrock.http.protocol").recommender.validValues("", Map.of()))
                .containsExactly("HTTP2", "HTTP1_1");
        assertThat(keys.get("bedrock.credentials.provider").recommender.validValues("", Map.of()))
                .containsExactly("default", "static", "profile", "assume-role", "api-key");
        assertThat(keys.get("bedrock.model.family").recommender.validValues("", Map.of()))
                .contains("anthropic", "mistral-chat", "openai")
                .hasSize(ModelFamily.values().length);
        assertThat(keys.get("request.id.source").recommender.validValues("", Map.of()))
                .containsExactly("key", "header", "field", "offset");
    }

    @Test
    void keysThatApplyOnlyToSomeChoicesAreHiddenOtherwise() {
        Map<String, Boolean> visible = visibility(TestConfigs.validSink());
        assertThat(visible)
                .containsEntry("bedrock.secret.access.key", false)
                .containsEntry("request.template", false)
                .containsEntry("request.max.tokens", false)
                .containsEntry("request.id.header", false)
                .containsEntry("bedrock.region", true)
                .containsEntry("request.mode", true);
        Map<String, String> props = TestConfigs.validSink();
        props.put("bedrock.credentials.provider", "STATIC");
        props.put("request.mode", "prompt");
        props.put("request.id.source", "header");
        visible = visibility(props);
        assertThat(visible)
                .containsEntry("bedrock.secret.access.key", true)
                .containsEntry("bedrock.role.arn", false)
                .containsEntry("request.max.tokens", true)
                .containsEntry("request.template", false)
                .containsEntry("request.id.header", true)
                .containsEntry("request.id.pointer", false)
                .containsEntry("bedrock.api.key", false);
        props.put("bedrock.credentials.provider", "api-key");
        assertThat(visibility(props))
                .containsEntry("bedrock.api.key", true)
                .containsEntry("bedrock.secret.access.key", false);
    }

    static Map<String, Boolean> visibility(Map<String, String> props) {
        Map<String, Boolean> out = new java.util.HashMap<>();
        for (ConfigValue v : BedrockConnectorConfig.configDef().validate(props)) {
            out.put(v.name(), v.visible());
        }
        return out;
    }

    @Test
    void outputConvertersAreConfiguredFromTheirPrefixes() {
        BedrockConnectorConfig c = config("output.value.converter.schemas.enable", "true");
        Converter value = c.outputValueConverter();
        Converter key = c.outputKeyConverter();
        assertThat(value).isInstanceOf(LeanJsonConverter.class);
        assertThat(key).isInstanceOf(StringConverter.class);
        byte[] withSchema = value.fromConnectData("t", Schema.STRING_SCHEMA, "hi");
        assertThat(new String(withSchema, StandardCharsets.UTF_8)).contains("\"schema\"");
        byte[] json = config().outputValueConverter().fromConnectData("t", Schema.STRING_SCHEMA, "hi");
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("\"hi\"");
        Converter plain =
                config("output.value.converter", JsonConverter.class.getName()).outputValueConverter();
        assertThat(plain).isInstanceOf(JsonConverter.class);
        assertThat(new String(key.fromConnectData("t", Schema.STRING_SCHEMA, "req-1"), StandardCharsets.UTF_8))
                .isEqualTo("req-1");
    }

    @Test
    void optionalAccessorsTreatBlankAsUnset() {
        assertThat(config("output.completions.topic", "  ").completionsTopic()).isEqualTo(Optional.empty());
    }
}
