package io.bedrockstream.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestMappingSettingsTest {

    private static final String CLAUDE = "anthropic.claude-3-haiku-20240307-v1:0";

    @Test
    void defaults() {
        RequestMappingSettings s = RequestMappingSettings.defaults(CLAUDE);
        assertThat(s.mode()).isEqualTo(RequestMode.PASSTHROUGH);
        assertThat(s.idSource()).isEqualTo(IdSource.KEY);
        assertThat(s.maxBytes()).isEqualTo(1_000_000L);
        assertThat(s.contentType()).isEqualTo("application/json");
        assertThat(s.accept()).isEqualTo("application/json");
        assertThat(s.stopSequences()).isEmpty();
        assertThat(s.allowedModelOverrides()).isEmpty();
        assertThat(s.validate()).isEmpty();
    }

    @Test
    void toBuilderRoundTrips() {
        RequestMappingSettings s = RequestMappingSettings.builder(CLAUDE)
                .mode(RequestMode.PROMPT)
                .promptPointer("/q")
                .systemPointer("/s")
                .systemPrompt("sys")
                .maxTokens(5)
                .temperature(0.1)
                .topP(0.2)
                .stopSequences(List.of("x"))
                .idSource(IdSource.HEADER)
                .idHeader("h")
                .idPointer("/id")
                .familyOverride("nova")
                .modelOverrideHeader("m")
                .allowedModelOverrides(Set.of("a"))
                .maxBytes(9)
                .contentType("c")
                .accept("a")
                .guardrailIdentifier("g")
                .guardrailVersion("1")
                .trace("ENABLED")
                .performanceConfigLatency("standard")
                .template("{}")
                .build();
        assertThat(s.toBuilder().build()).isEqualTo(s);
    }

    @Test
    void configNames() {
        assertThat(RequestMode.fromConfigName(" Template ")).contains(RequestMode.TEMPLATE);
        assertThat(RequestMode.fromConfigName("raw")).isEmpty();
        assertThat(IdSource.fromConfigName("offset")).contains(IdSource.OFFSET);
        assertThat(IdSource.fromConfigName(null)).isEmpty();
    }

    @Test
    void everyProblemNamesItsKey() {
        RequestMappingSettings s = RequestMappingSettings.builder("arn:aws:bedrock:us-east-1:1:provisioned-model/x")
                .mode(RequestMode.TEMPLATE)
                .template("{\"a\": ${/x}}")
                .idSource(IdSource.FIELD)
                .maxBytes(0)
                .allowedModelOverrides(Set.of("*"))
                .guardrailIdentifier("gr")
                .trace("on")
                .performanceConfigLatency("fast")
                .build();
        assertThat(s.validate())
                .containsExactly(
                        "Cannot tell the model family of model id 'arn:aws:bedrock:us-east-1:1:provisioned-model/x'; set "
                                + "bedrock.model.family to one of: anthropic, titan, nova, llama, mistral, mistral-chat, "
                                + "cohere, jamba, deepseek, openai",
                        "request.max.bytes must be between 1 and 25000000 (Bedrock's limit), was 0",
                        "placeholder at character 6 of request.template is outside a JSON string; write it in quotes, "
                                + "e.g. \"${/field}\"",
                        "request.id.pointer must be a JSON pointer such as /id when request.id.source=field",
                        "request.model.allowed is set but request.model.override.header is not, so no record can "
                                + "override the model",
                        "bedrock.guardrail.version must be set when bedrock.guardrail.identifier is (Bedrock rejects an "
                                + "identifier without a version)",
                        "bedrock.trace must be one of ENABLED, DISABLED, ENABLED_FULL, was 'on'",
                        "bedrock.performance.latency must be standard or optimized, was 'fast'");
    }

    @Test
    void templateThatIsNotJsonOnceFilled() {
        RequestMappingSettings s = RequestMappingSettings.builder(CLAUDE)
                .mode(RequestMode.TEMPLATE)
                .template("{\"a\": \"${/x}\",}")
                .build();
        assertThat(s.validate())
                .singleElement()
                .asString()
                .startsWith("request.template is not JSON: ")
                .endsWith("(placeholders filled with empty strings)");
        assertThat(s.toBuilder().template(null).build().validate())
                .containsExactly("request.template must be set when request.mode=template");
        assertThat(s.toBuilder()
                        .template("{\"a\": \"${/x}\", \"n\": \"${/n}\"}")
                        .build()
                        .validate())
                .isEmpty();
    }

    @Test
    void promptAndIdSettings() {
        RequestMappingSettings s = RequestMappingSettings.builder(CLAUDE)
                .mode(RequestMode.PROMPT)
                .promptPointer("q")
                .maxTokens(0)
                .temperature(-1.0)
                .topP(1.5)
                .idSource(IdSource.HEADER)
                .build();
        assertThat(s.toBuilder()
                        .promptPointer(null)
                        .systemPointer("/s")
                        .maxTokens(null)
                        .temperature(null)
                        .topP(null)
                        .idSource(IdSource.KEY)
                        .build()
                        .validate())
                .containsExactly(
                        "request.system.pointer needs request.prompt.pointer: without it the whole value is the prompt "
                                + "and has no fields");
        assertThat(s.validate())
                .containsExactly(
                        "request.prompt.pointer must be a JSON pointer starting with / (such as /question), was 'q'",
                        "request.max.tokens must be positive, was 0",
                        "request.temperature must not be negative, was -1.0",
                        "request.top.p must be between 0 and 1, was 1.5",
                        "request.id.header must name a header when request.id.source=header");
    }

    @Test
    void guardrailAndModelSettings() {
        assertThat(RequestMappingSettings.builder(" ")
                        .guardrailVersion("0")
                        .build()
                        .validate())
                .containsExactly(
                        "bedrock.model.id must be set to a model id, inference-profile id or ARN",
                        "bedrock.guardrail.identifier must be set when bedrock.guardrail.version is",
                        "bedrock.guardrail.version must be a version number (1, 2, …) or DRAFT, was '0'");
        assertThat(RequestMappingSettings.builder(CLAUDE)
                        .familyOverride("gpt")
                        .build()
                        .validate())
                .containsExactly(
                        "Unknown model family 'gpt' in bedrock.model.family; valid names: anthropic, titan, nova, llama, "
                                + "mistral, mistral-chat, cohere, jamba, deepseek, openai");
        assertThat(RequestMappingSettings.builder(CLAUDE)
                        .guardrailIdentifier("gr")
                        .guardrailVersion("12")
                        .build()
                        .validate())
                .isEmpty();
    }
}
