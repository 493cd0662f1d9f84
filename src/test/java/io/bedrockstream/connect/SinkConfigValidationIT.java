package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker's REST validation ({@code PUT /connector-plugins/BedrockSinkConnector/config/validate}) shows each
 * cross-field error on every field involved, as a UI would render it, and finds nothing wrong in a valid config.
 */
class SinkConfigValidationIT {
    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void startCluster() {
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("plugin.discovery", "service_load");
        connect = new EmbeddedConnectCluster.Builder()
                .name("bedrock-validation")
                .numWorkers(1)
                .numBrokers(1)
                .workerProps(workerProps)
                .build();
        connect.start();
    }

    @AfterAll
    static void stopCluster() {
        if (connect != null) {
            connect.stop();
        }
    }

    static Map<String, String> config(String... kv) {
        Map<String, String> props = TestConfigs.validSink();
        props.put("output.bootstrap.servers", connect.kafka().bootstrapServers());
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        return props;
    }

    static ConfigInfos validate(Map<String, String> props) {
        return connect.validateConnectorConfig("BedrockSinkConnector", props);
    }

    /** Errors by field, only fields that have some. */
    static Map<String, List<String>> errors(ConfigInfos infos) {
        Map<String, List<String>> out = new TreeMap<>();
        for (ConfigInfo info : infos.configs()) {
            if (info.configValue() != null && !info.configValue().errors().isEmpty()) {
                out.put(info.configValue().name(), info.configValue().errors());
            }
        }
        return out;
    }

    static void assertRule(Map<String, String> props, String fragment, String... fields) {
        ConfigInfos infos = validate(props);
        Map<String, List<String>> errors = errors(infos);
        assertThat(errors).as("errors of %s", props).containsOnlyKeys(fields);
        assertThat(infos.errorCount()).isEqualTo(fields.length);
        String message = errors.get(fields[0]).get(0);
        assertThat(message).contains(fragment);
        for (String field : fields) {
            assertThat(errors.get(field)).containsExactly(message);
        }
    }

    @Test
    void validConfigHasNoErrors() {
        ConfigInfos infos = validate(config(
                "bedrock.credentials.provider",
                "static",
                "bedrock.access.key.id",
                "AKIAEXAMPLE",
                "bedrock.secret.access.key",
                "wJalrSECRET"));
        assertThat(errors(infos)).isEmpty();
        assertThat(infos.errorCount()).isZero();
        assertThat(infos.groups())
                .contains(
                        "Bedrock connection",
                        "Credentials",
                        "Model",
                        "Request mapping",
                        "Output",
                        "Flow control & retry",
                        "Errors",
                        "Output producer");
    }

    @Test
    void passwordsAreNotEchoed() {
        ConfigInfos infos = validate(config(
                "bedrock.credentials.provider",
                "static",
                "bedrock.access.key.id",
                "AKIAEXAMPLE",
                "bedrock.secret.access.key",
                "wJalrSECRET"));
        assertThat(infos.toString()).doesNotContain("wJalrSECRET", "AKIAEXAMPLE");
    }

    @Test
    void enumeratedKeysOfferTheirValues() {
        ConfigInfo protocol = validate(config()).configs().stream()
                .filter(i -> i.configKey() != null && i.configKey().name().equals("bedrock.http.protocol"))
                .findFirst()
                .orElseThrow();
        assertThat(protocol.configValue().recommendedValues()).containsExactly("HTTP2", "HTTP1_1");
        assertThat(protocol.configKey().group()).isEqualTo("Bedrock connection");
        assertThat(protocol.configKey().displayName()).isEqualTo("HTTP protocol");
    }

    @Test
    void templateModeWithoutTemplate() {
        assertRule(config("request.mode", "template"), "set request.template", "request.mode", "request.template");
    }

    @Test
    void outputTopicIsAnInputTopic() {
        assertRule(config("topics", "requests,responses"), "also an input topic", "output.topic", "topics");
    }

    @Test
    void outputTopicMatchesTopicsRegex() {
        Map<String, String> props = config("topics.regex", "re.*");
        props.remove("topics");
        assertRule(props, "matches topics.regex", "output.topic", "topics.regex");
    }

    @Test
    void completionsTopicEqualsOutputTopic() {
        assertRule(
                config("output.completions.topic", "responses"),
                "must differ from output.topic",
                "output.completions.topic",
                "output.topic");
    }

    @Test
    void opaqueModelArnWithoutFamily() {
        assertRule(
                config("bedrock.model.id", "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/p1"),
                "set bedrock.model.family",
                "bedrock.model.id",
                "bedrock.model.family");
    }

    @Test
    void staticProviderWithOneKey() {
        assertRule(
                config("bedrock.credentials.provider", "static", "bedrock.access.key.id", "AKIAEXAMPLE"),
                "set bedrock.secret.access.key",
                "bedrock.credentials.provider",
                "bedrock.access.key.id",
                "bedrock.secret.access.key");
    }

    @Test
    void staticKeysWithDefaultProvider() {
        assertRule(
                config("bedrock.access.key.id", "AKIAEXAMPLE", "bedrock.secret.access.key", "wJalrSECRET"),
                "set bedrock.credentials.provider=static",
                "bedrock.credentials.provider",
                "bedrock.access.key.id",
                "bedrock.secret.access.key");
    }

    @Test
    void assumeRoleWithoutRoleArn() {
        assertRule(
                config("bedrock.credentials.provider", "assume-role"),
                "set bedrock.role.arn",
                "bedrock.credentials.provider",
                "bedrock.role.arn");
    }

    @Test
    void guardrailWithoutVersion() {
        assertRule(
                config("bedrock.guardrail.identifier", "gr-1"),
                "set bedrock.guardrail.version",
                "bedrock.guardrail.identifier",
                "bedrock.guardrail.version");
    }

    @Test
    void overrideHeaderWithoutAllowedModels() {
        assertRule(
                config("request.model.override.header", "x-model"),
                "list the model ids",
                "request.model.override.header",
                "request.model.allowed");
    }

    @Test
    void backoffAboveMax() {
        assertRule(
                config("retry.backoff.ms", "60000"),
                "is greater than retry.backoff.max.ms",
                "retry.backoff.ms",
                "retry.backoff.max.ms");
    }

    @Test
    void headerIdSourceWithoutHeader() {
        assertRule(
                config("request.id.source", "header"),
                "set request.id.header",
                "request.id.source",
                "request.id.header");
    }

    @Test
    void fieldIdSourceWithoutPointer() {
        assertRule(
                config("request.id.source", "field"),
                "set request.id.pointer",
                "request.id.source",
                "request.id.pointer");
    }

    @Test
    void singleFieldErrorsComeFromTheValidators() {
        Map<String, List<String>> errors =
                errors(validate(config("bedrock.http.protocol", "HTTP3", "request.max.bytes", "0")));
        assertThat(errors).containsOnlyKeys("bedrock.http.protocol", "request.max.bytes");
    }
}
