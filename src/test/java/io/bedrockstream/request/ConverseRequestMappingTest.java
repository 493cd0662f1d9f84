package io.bedrockstream.request;

import static io.bedrockstream.request.RequestMapperTest.json;
import static io.bedrockstream.request.RequestMapperTest.record;
import static io.bedrockstream.request.RequestMapperTest.refused;
import static io.bedrockstream.request.RequestMapperTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.bedrockstream.request.InvalidRequestException.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bedrock.api=converse: the three request modes, any model id, and what a record's Converse request may hold. */
class ConverseRequestMappingTest {
    static final String PROFILE_ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";
    static final String CONVERSE = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}],"
            + "\"inferenceConfig\":{\"maxTokens\":50},\"additionalModelRequestFields\":{\"top_k\":5}}";

    static RequestMappingSettings.Builder converse(String modelId) {
        return RequestMappingSettings.builder(modelId).api(BedrockApi.CONVERSE);
    }

    @Test
    void passthroughSendsTheRecordsConverseRequestToAnyModelId() throws Exception {
        RequestMapper m =
                new RequestMapper(converse(PROFILE_ARN).serviceTier("flex").build());
        ModelRequest r = m.map(record("k", utf8(CONVERSE)));
        assertThat(r.api()).isEqualTo(BedrockApi.CONVERSE);
        assertThat(r.family()).isNull();
        assertThat(r.modelId()).isEqualTo(PROFILE_ARN);
        assertThat(r.serviceTier()).isEqualTo("flex");
        assertThat(json(r.body())).isEqualTo(json(utf8(CONVERSE)));
        assertThat(m.settings().validate()).isEmpty();
    }

    @Test
    void anUnknownMemberIsRefusedWithTheMembersNamed() {
        RequestMapper m = new RequestMapper(converse(PROFILE_ARN).build());
        InvalidRequestException e = refused(
                m,
                record(
                        "k",
                        "{\"messages\":[{\"role\":\"user\",\"content\":" + "[{\"text\":\"Hi\"}]}],\"max_tokens\":5}"),
                Reason.CONVERSE_MEMBER_UNKNOWN);
        assertThat(e.getMessage()).contains("'max_tokens'").contains("inferenceConfig");
        InvalidRequestException noMessages =
                refused(m, record("k", "{\"system\":[{\"text\":\"x\"}]}"), Reason.CONVERSE_MEMBER_UNKNOWN);
        assertThat(noMessages.getMessage()).contains("messages");
        refused(m, record("k", "[1,2]"), Reason.NOT_JSON);
    }

    @Test
    void promptModeBuildsConverseForAnyModelWithACachePointAfterTheSystemPrompt() throws Exception {
        RequestMapper m = new RequestMapper(converse("some.future-model-v9:0")
                .mode(RequestMode.PROMPT)
                .promptPointer("/q")
                .systemPrompt("Be brief.")
                .maxTokens(100)
                .temperature(0.2)
                .topP(0.9)
                .stopSequences(List.of("END"))
                .cacheSystemPrompt(true)
                .build());
        JsonNode body =
                json(m.map(record("k", "{\"q\":\"Why is the sky blue?\"}")).body());
        assertThat(body.at("/messages/0/role").asText()).isEqualTo("user");
        assertThat(body.at("/messages/0/content/0/text").asText()).isEqualTo("Why is the sky blue?");
        assertThat(body.at("/system/0/text").asText()).isEqualTo("Be brief.");
        assertThat(body.at("/system/1/cachePoint/type").asText()).isEqualTo("default");
        assertThat(body.at("/inferenceConfig/maxTokens").asInt()).isEqualTo(100);
        assertThat(body.at("/inferenceConfig/temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.at("/inferenceConfig/topP").asDouble()).isEqualTo(0.9);
        assertThat(body.at("/inferenceConfig/stopSequences/0").asText()).isEqualTo("END");
        assertThat(m.settings().validate()).isEmpty();
    }

    @Test
    void templateModeFillsAConverseTemplateAndChecksIt() throws Exception {
        String template = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"${/q}\"}]}]}";
        RequestMapper m = new RequestMapper(converse(PROFILE_ARN)
                .mode(RequestMode.TEMPLATE)
                .template(template)
                .build());
        assertThat(json(m.map(record("k", "{\"q\":\"Hello\"}")).body())
                        .at("/messages/0/content/0/text")
                        .asText())
                .isEqualTo("Hello");
        RequestMapper bad = new RequestMapper(converse(PROFILE_ARN)
                .mode(RequestMode.TEMPLATE)
                .template("{\"prompt\":\"${/q}\"}")
                .build());
        assertThat(refused(bad, record("k", "{\"q\":\"Hello\"}"), Reason.CONVERSE_MEMBER_UNKNOWN)
                        .getMessage())
                .contains("filled-in template");
    }

    @Test
    void requestMetadataIsFixedPairsPlusHeaderValuesWithinBedrocksLimits() throws Exception {
        RequestMapper m = new RequestMapper(converse(PROFILE_ARN)
                .metadata(java.util.Map.of("team", "search"))
                .metadataHeaders(java.util.Map.of("tenant", "x-tenant"))
                .build());
        assertThat(m.map(record("k", utf8(CONVERSE), java.util.Map.of("x-tenant", utf8("acme-42"))))
                        .requestMetadata())
                .containsEntry("team", "search")
                .containsEntry("tenant", "acme-42");
        assertThat(m.map(record("k", utf8(CONVERSE))).requestMetadata()).containsOnlyKeys("team");
        assertThat(refused(
                                m,
                                record("k", utf8(CONVERSE), java.util.Map.of("x-tenant", utf8("a;b"))),
                                Reason.METADATA_INVALID)
                        .getMessage())
                .contains("x-tenant");
        java.util.Map<String, String> many = new java.util.HashMap<>();
        for (int i = 0; i < 17; i++) {
            many.put("k" + i, "v");
        }
        assertThat(converse(PROFILE_ARN).metadata(many).build().validate())
                .anySatisfy(p -> assertThat(p).contains("at most 16"));
        assertThat(RequestMetadata.parse(List.of("a=1", " b = two "), "x")).containsEntry("b", "two");
    }

    @Test
    void aFamilyStillAppliesWhenSetAndOptionsAreChecked() {
        assertThat(converse(PROFILE_ARN).familyOverride("nope").build().validate())
                .isNotEmpty();
        assertThat(converse(PROFILE_ARN).serviceTier("gold").build().validate())
                .anySatisfy(p -> assertThat(p).contains(RequestMappingSettings.SERVICE_TIER_KEY));
        assertThat(RequestMappingSettings.builder("anthropic.claude-3-haiku-20240307-v1:0")
                        .guardrailStreamProcessingMode("async")
                        .build()
                        .validate())
                .anySatisfy(p -> assertThat(p).contains("converse only"));
        assertThat(converse(PROFILE_ARN).cacheSystemPrompt(true).build().validate())
                .anySatisfy(p -> assertThat(p).contains(RequestMappingSettings.CACHE_SYSTEM_PROMPT_KEY));
        assertThat(RequestMappingSettings.builder(PROFILE_ARN).build().validate())
                .isNotEmpty(); // invoke needs a family
    }

    @Test
    void onInvokeACachedSystemPromptNeedsAFamilyWithANativeCachePoint() {
        assertThat(RequestMappingSettings.builder("anthropic.claude-3-haiku-20240307-v1:0")
                        .mode(RequestMode.PROMPT)
                        .cacheSystemPrompt(true)
                        .build()
                        .validate())
                .isEmpty();
        assertThat(RequestMappingSettings.builder("amazon.titan-text-express-v1")
                        .mode(RequestMode.PROMPT)
                        .cacheSystemPrompt(true)
                        .build()
                        .validate())
                .containsExactly("request.cache.system.prompt on "
                        + "bedrock.api=invoke needs a family with a native prompt-cache point (anthropic), but "
                        + "bedrock.model.id is the titan family: use bedrock.api=converse, or turn "
                        + "request.cache.system.prompt off");
        assertThat(RequestMappingSettings.builder("anthropic.claude-3-haiku-20240307-v1:0")
                        .cacheSystemPrompt(true)
                        .build()
                        .validate())
                .containsExactly("request.cache.system.prompt applies to request.mode=prompt only");
    }
}
