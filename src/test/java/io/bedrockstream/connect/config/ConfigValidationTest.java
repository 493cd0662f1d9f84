package io.bedrockstream.connect.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.connect.BedrockSinkConnector;
import io.bedrockstream.connect.TestConfigs;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class ConfigValidationTest {

    /** Errors by field, only fields that have some. */
    static Map<String, List<String>> errors(Map<String, String> props) {
        Map<String, List<String>> out = new TreeMap<>();
        for (ConfigValue v : new BedrockSinkConnector().validate(props).configValues()) {
            if (!v.errorMessages().isEmpty()) {
                out.put(v.name(), v.errorMessages());
            }
        }
        return out;
    }

    static Map<String, String> with(String... kv) {
        Map<String, String> props = TestConfigs.validSink();
        for (int i = 0; i < kv.length; i += 2) {
            props.put(kv[i], kv[i + 1]);
        }
        return props;
    }

    /** Asserts exactly these fields have exactly one error each, the same message, containing the fragment. */
    static void assertOneRuleOn(Map<String, String> props, String fragment, String... fields) {
        Map<String, List<String>> errors = errors(props);
        assertThat(errors).containsOnlyKeys(fields);
        String message = errors.get(fields[0]).get(0);
        assertThat(message).contains(fragment);
        for (String f : fields) {
            assertThat(errors.get(f)).containsExactly(message);
        }
    }

    @Test
    void validConfigHasNoErrors() {
        assertThat(errors(TestConfigs.validSink())).isEmpty();
    }

    @Test
    void templateModeWithoutTemplate() {
        assertOneRuleOn(with("request.mode", "TEMPLATE"), "set request.template", "request.mode", "request.template");
        assertThat(errors(with("request.mode", "template", "request.template", "{\"x\":1}")))
                .isEmpty();
    }

    @Test
    void outputTopicIsAnInputTopic() {
        assertOneRuleOn(with("topics", "a, responses"), "also an input topic", "output.topic", "topics");
    }

    @Test
    void workerOwnedFieldKeepsItsParsedValue() {
        ConfigValue topics = new BedrockSinkConnector()
                .validate(with("topics", "a, responses")).configValues().stream()
                        .filter(v -> v.name().equals("topics"))
                        .findFirst()
                        .orElseThrow();
        // the worker renders a LIST key's value as a list: a raw string would break its REST response
        assertThat(topics.value()).isEqualTo(List.of("a", "responses"));
    }

    @Test
    void outputTopicMatchesTopicsRegex() {
        Map<String, String> props = with("topics.regex", "resp.*");
        props.remove("topics");
        assertOneRuleOn(props, "matches topics.regex", "output.topic", "topics.regex");
    }

    @Test
    void completionsTopicIsAnInputTopic() {
        assertOneRuleOn(
                with("output.completions.topic", "requests"),
                "also an input topic",
                "output.completions.topic",
                "topics");
    }

    @Test
    void completionsTopicEqualsOutputTopic() {
        assertOneRuleOn(
                with("output.completions.topic", "responses"),
                "must differ from output.topic",
                "output.completions.topic",
                "output.topic");
    }

    @Test
    void opaqueModelArnWithoutFamily() {
        for (String arn : List.of(
                "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123",
                "arn:aws:bedrock:us-east-1:123456789012:imported-model/abc123",
                "arn:aws:bedrock:us-east-1:123456789012:custom-model/anthropic.claude-v2/abc",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/xyz")) {
            assertOneRuleOn(
                    with("bedrock.model.id", arn),
                    "set bedrock.model.family",
                    "bedrock.model.id",
                    "bedrock.model.family");
            assertThat(errors(with("bedrock.model.id", arn, "bedrock.model.family", "anthropic")))
                    .isEmpty();
        }
        assertThat(errors(with("bedrock.model.id", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2")))
                .isEmpty();
    }

    @Test
    void staticProviderWithOnlyOneKey() {
        assertOneRuleOn(
                with("bedrock.credentials.provider", "static", "bedrock.access.key.id", "AKIAEXAMPLE"),
                "set bedrock.secret.access.key",
                "bedrock.credentials.provider",
                "bedrock.access.key.id",
                "bedrock.secret.access.key");
        assertOneRuleOn(
                with("bedrock.credentials.provider", "static", "bedrock.secret.access.key", "s3cr3t"),
                "set bedrock.access.key.id",
                "bedrock.credentials.provider",
                "bedrock.access.key.id",
                "bedrock.secret.access.key");
    }

    @Test
    void staticProviderWithNoKeys() {
        assertOneRuleOn(
                with("bedrock.credentials.provider", "static"),
                "set bedrock.access.key.id and bedrock.secret.access.key",
                "bedrock.credentials.provider",
                "bedrock.access.key.id",
                "bedrock.secret.access.key");
        assertThat(errors(with(
                        "bedrock.credentials.provider",
                        "static",
                        "bedrock.access.key.id",
                        "AKIAEXAMPLE",
                        "bedrock.secret.access.key",
                        "s3cr3t")))
                .isEmpty();
    }

    @Test
    void staticKeysWithAnotherProvider() {
        assertOneRuleOn(
                with("bedrock.access.key.id", "AKIAEXAMPLE", "bedrock.secret.access.key", "s3cr3t"),
                "set bedrock.credentials.provider=static",
                "bedrock.credentials.provider",
                "bedrock.access.key.id",
                "bedrock.secret.access.key");
        assertOneRuleOn(
                with("bedrock.credentials.provider", "profile", "bedrock.session.token", "tok"),
                "is 'profile'",
                "bedrock.credentials.provider",
                "bedrock.session.token");
    }

    @Test
    void aCachedSystemPromptOnInvokeNeedsTheAnthropicFamily() {
        Map<String, String> anthropic = with(
                "request.mode",
                "prompt",
                "request.cache.system.prompt",
                "true",
                "bedrock.model.id",
                "anthropic.claude-3-haiku-20240307-v1:0");
        assertThat(errors(anthropic)).isEmpty();
        assertOneRuleOn(
                with(
                        "request.mode",
                        "prompt",
                        "request.cache.system.prompt",
                        "true",
                        "bedrock.model.id",
                        "meta.llama3-8b-instruct-v1:0"),
                "bedrock.model.id is the llama family, which has no native cache point the connector builds: set "
                        + "bedrock.api=converse",
                "request.cache.system.prompt",
                "bedrock.api",
                "bedrock.model.id",
                "bedrock.model.family");
        assertOneRuleOn(
                with(
                        "request.mode",
                        "prompt",
                        "request.cache.system.prompt",
                        "true",
                        "bedrock.model.id",
                        "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc",
                        "bedrock.model.family",
                        "nova"),
                "bedrock.model.family is the nova family",
                "request.cache.system.prompt",
                "bedrock.api",
                "bedrock.model.id",
                "bedrock.model.family");
        assertOneRuleOn(
                with("request.mode", "passthrough", "request.cache.system.prompt", "true"),
                "needs request.mode=prompt",
                "request.cache.system.prompt",
                "request.mode");
    }

    @Test
    void apiKeyProviderWithoutAKeySaysWhatToSet() {
        Map<String, List<String>> errors = errors(with("bedrock.credentials.provider", "api-key"));
        assertThat(errors).containsOnlyKeys("bedrock.credentials.provider", "bedrock.api.key");
        assertThat(errors.get("bedrock.api.key"))
                .containsExactly("bedrock.credentials.provider=api-key needs a "
                        + "Bedrock API key: set bedrock.api.key (ideally through a config provider, e.g. "
                        + "${file:/etc/kafka/bedrock.properties:api.key}).");
        assertThat(errors.get("bedrock.credentials.provider")).isEqualTo(errors.get("bedrock.api.key"));
        assertOneRuleOn(
                with("bedrock.credentials.provider", "api-key", "bedrock.api.key", "  "),
                "set bedrock.api.key",
                "bedrock.credentials.provider",
                "bedrock.api.key");
        assertThat(errors(with("bedrock.credentials.provider", "API-KEY", "bedrock.api.key", "ABSKexample00000")))
                .isEmpty();
    }

    @Test
    void anApiKeyWithAnotherProviderIsAnErrorNotSilentlyIgnored() {
        for (String provider : List.of("default", "static", "profile", "assume-role")) {
            Map<String, String> props = with(
                    "bedrock.credentials.provider",
                    provider,
                    "bedrock.api.key",
                    "ABSKexample00000",
                    "bedrock.access.key.id",
                    "AKIAEXAMPLE",
                    "bedrock.secret.access.key",
                    "s3cr3t",
                    "bedrock.role.arn",
                    "arn:aws:iam::123456789012:role/bedrock-invoker");
            if (!provider.equals("static")) {
                props.remove("bedrock.access.key.id");
                props.remove("bedrock.secret.access.key");
            }
            Map<String, List<String>> errors = errors(props);
            assertThat(errors).as(provider).containsOnlyKeys("bedrock.credentials.provider", "bedrock.api.key");
            assertThat(errors.get("bedrock.api.key"))
                    .as(provider)
                    .containsExactly("bedrock.api.key is set but "
                            + "bedrock.credentials.provider is '" + provider + "', so it would be ignored: set "
                            + "bedrock.credentials.provider=api-key, or remove bedrock.api.key.");
        }
    }

    @Test
    void theApiKeyIsAPasswordAndNeverInTheValidationMessages() {
        String key = "ABSKc2VjcmV0LWFwaS1rZXktbmV2ZXItc2hvd24=";
        assertThat(new BedrockSinkConnector().config().configKeys().get("bedrock.api.key").type)
                .isEqualTo(org.apache.kafka.common.config.ConfigDef.Type.PASSWORD);
        for (ConfigValue v : new BedrockSinkConnector()
                .validate(with("bedrock.credentials.provider", "static", "bedrock.api.key", key))
                .configValues()) {
            assertThat(v.errorMessages()).allSatisfy(m -> assertThat(m).doesNotContain(key));
            assertThat(String.valueOf(v.value())).doesNotContain(key);
        }
    }

    @Test
    void assumeRoleWithoutRoleArn() {
        assertOneRuleOn(
                with("bedrock.credentials.provider", "assume-role"),
                "set bedrock.role.arn",
                "bedrock.credentials.provider",
                "bedrock.role.arn");
        assertThat(errors(with(
                        "bedrock.credentials.provider",
                        "assume-role",
                        "bedrock.role.arn",
                        "arn:aws:iam::123456789012:role/bedrock-invoker")))
                .isEmpty();
    }

    @Test
    void profileProviderWithoutProfileNameIsFine() {
        assertThat(errors(with("bedrock.credentials.provider", "profile"))).isEmpty();
    }

    @Test
    void guardrailNeedsBothIdentifierAndVersion() {
        assertOneRuleOn(
                with("bedrock.guardrail.identifier", "gr-123"),
                "set bedrock.guardrail.version",
                "bedrock.guardrail.identifier",
                "bedrock.guardrail.version");
        assertOneRuleOn(
                with("bedrock.guardrail.version", "DRAFT"),
                "set bedrock.guardrail.identifier",
                "bedrock.guardrail.identifier",
                "bedrock.guardrail.version");
        assertThat(errors(with("bedrock.guardrail.identifier", "gr-123", "bedrock.guardrail.version", "3")))
                .isEmpty();
    }

    @Test
    void overrideHeaderWithoutAllowedModels() {
        assertOneRuleOn(
                with("request.model.override.header", "x-model"),
                "list the model ids",
                "request.model.override.header",
                "request.model.allowed");
        assertThat(errors(with("request.model.override.header", "x-model", "request.model.allowed", "*")))
                .isEmpty();
    }

    @Test
    void backoffAboveMaxBackoff() {
        assertOneRuleOn(
                with("retry.backoff.ms", "5000", "retry.backoff.max.ms", "1000"),
                "retry.backoff.ms (5000) is greater than retry.backoff.max.ms (1000)",
                "retry.backoff.ms",
                "retry.backoff.max.ms");
    }

    @Test
    void headerIdSourceWithoutHeader() {
        assertOneRuleOn(
                with("request.id.source", "header"), "set request.id.header", "request.id.source", "request.id.header");
        assertThat(errors(with("request.id.source", "header", "request.id.header", "x-request-id")))
                .isEmpty();
    }

    @Test
    void fieldIdSourceWithoutPointer() {
        assertOneRuleOn(
                with("request.id.source", "field"),
                "set request.id.pointer",
                "request.id.source",
                "request.id.pointer");
        assertThat(errors(with("request.id.source", "field", "request.id.pointer", "/id")))
                .isEmpty();
    }

    @Test
    void severalRulesAddSeveralMessagesToASharedField() {
        Map<String, List<String>> errors = errors(with("output.completions.topic", "responses", "topics", "responses"));
        assertThat(errors.get("output.topic")).hasSize(2);
        assertThat(errors.get("output.completions.topic")).hasSize(2);
        assertThat(errors.get("topics")).hasSize(2);
    }

    @Test
    void checkOnParsedValuesFindsTheSameProblems() {
        Map<String, String> props = with("request.mode", "template", "bedrock.credentials.provider", "assume-role");
        BedrockSinkConfig config = new BedrockSinkConfig(props);
        assertThat(ConfigValidation.check(config.values(), props))
                .extracting(ConfigValidation.Problem::keys)
                .containsExactly(
                        List.of("request.mode", "request.template"),
                        List.of("bedrock.credentials.provider", "bedrock.role.arn"));
    }

    @Test
    void aTemplateThatIsNotJsonOnceFilledIsReportedOnTheTemplate() {
        assertOneRuleOn(
                with("request.mode", "template", "request.template", "{\"a\": ${/q}}"),
                "outside a JSON string",
                "request.template");
        assertOneRuleOn(
                with("request.mode", "template", "request.template", "{\"a\": \"${/q}\""),
                "request.template",
                "request.template");
    }

    @Test
    void aModelIdOfNoKnownFamilyNeedsTheFamily() {
        assertOneRuleOn(
                with("bedrock.model.id", "acme.super-model-v1"),
                "does not name a model family",
                "bedrock.model.id",
                "bedrock.model.family");
        assertThat(errors(with("bedrock.model.id", "acme.super-model-v1", "bedrock.model.family", "anthropic")))
                .isEmpty();
    }
}
