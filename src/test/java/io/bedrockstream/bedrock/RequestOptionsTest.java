package io.bedrockstream.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bedrockstream.request.BedrockApi;
import io.bedrockstream.request.ModelRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamRequest;

/** What the SDK requests of both APIs carry: tier, metadata, guardrail stream mode, and the Converse body. */
class RequestOptionsTest {
    static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"},"
            + "{\"image\":{\"format\":\"png\",\"source\":{\"bytes\":\"iVBORw0KGgo=\"}}}]}],"
            + "\"system\":[{\"text\":\"Be brief.\"},{\"cachePoint\":{\"type\":\"default\"}}],"
            + "\"inferenceConfig\":{\"maxTokens\":50,\"temperature\":0.25,\"stopSequences\":[\"END\"]},"
            + "\"toolConfig\":{\"tools\":[{\"toolSpec\":{\"name\":\"t\",\"inputSchema\":{\"json\":{\"type\":\"object\"}}}}],"
            + "\"toolChoice\":{\"auto\":{}}},"
            + "\"additionalModelRequestFields\":{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}},"
            + "\"requestMetadata\":{\"team\":\"from-record\"}}";

    static ModelRequest request(BedrockApi api, String body, Map<String, String> metadata) {
        return new ModelRequest(
                "r",
                "anthropic.claude-3-haiku-20240307-v1:0",
                null,
                body.getBytes(StandardCharsets.UTF_8),
                null,
                null,
                "gr-1",
                "2",
                "ENABLED",
                "optimized",
                "t",
                0,
                0,
                null,
                api,
                "priority",
                api == BedrockApi.CONVERSE ? "async" : null,
                metadata);
    }

    @Test
    void invokeCarriesTheTierAndTheMetadataAsJson() {
        InvokeModelWithResponseStreamRequest r =
                StreamingInvoker.toSdkRequest(request(BedrockApi.INVOKE, "{}", Map.of("team", "search")));
        assertThat(r.serviceTierAsString()).isEqualTo("priority");
        assertThat(r.requestMetadata()).isEqualTo("{\"team\":\"search\"}");
        assertThat(r.performanceConfigLatencyAsString()).isEqualTo("optimized");
    }

    @Test
    void converseCarriesTheBodyTierGuardrailStreamModeAndMergedMetadata() throws Exception {
        ConverseStreamRequest r = StreamingInvoker.toConverseRequest(
                request(BedrockApi.CONVERSE, BODY, Map.of("team", "config", "env", "prod")));
        assertThat(r.modelId()).isEqualTo("anthropic.claude-3-haiku-20240307-v1:0");
        assertThat(r.messages().get(0).content().get(0).text()).isEqualTo("Hi");
        assertThat(r.messages().get(0).content().get(1).image().source().bytes().asByteArray())
                .hasSize(8);
        assertThat(r.system().get(1).cachePoint().typeAsString()).isEqualTo("default");
        assertThat(r.inferenceConfig().maxTokens()).isEqualTo(50);
        assertThat(r.inferenceConfig().temperature()).isEqualTo(0.25f);
        assertThat(r.toolConfig().tools().get(0).toolSpec().inputSchema().json().asMap())
                .containsKey("type");
        assertThat(r.toolConfig().toolChoice().auto()).isNotNull();
        assertThat(r.additionalModelRequestFields()
                        .asMap()
                        .get("thinking")
                        .asMap()
                        .get("budget_tokens")
                        .asNumber()
                        .intValue())
                .isEqualTo(1024);
        assertThat(r.serviceTier().typeAsString()).isEqualTo("priority");
        assertThat(r.performanceConfig().latencyAsString()).isEqualTo("optimized");
        assertThat(r.guardrailConfig().guardrailIdentifier()).isEqualTo("gr-1");
        assertThat(r.guardrailConfig().guardrailVersion()).isEqualTo("2");
        assertThat(r.guardrailConfig().traceAsString()).isEqualTo("enabled");
        assertThat(r.guardrailConfig().streamProcessingModeAsString()).isEqualTo("async");
        assertThat(r.requestMetadata()).containsEntry("team", "from-record").containsEntry("env", "prod");
    }

    @Test
    void aMemberTheSdkDoesNotModelIsRefusedWithItsPath() {
        assertThatThrownBy(() -> StreamingInvoker.toConverseRequest(request(
                        BedrockApi.CONVERSE,
                        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"txt\":\"Hi\"}]}]}",
                        Map.of())))
                .isInstanceOf(ConverseJson.InvalidConverseRequest.class)
                .hasMessageContaining("messages[0].content[0].txt");
        assertThatThrownBy(() -> StreamingInvoker.toConverseRequest(request(
                        BedrockApi.CONVERSE,
                        "{\"messages\":[],\"inferenceConfig\":{\"maxTokens\":\"many\"}}",
                        Map.of())))
                .hasMessageContaining("inferenceConfig.maxTokens must be an integer");
    }

    @Test
    void sdkEventsRenderAsTheirWireJson() {
        var delta = software.amazon.awssdk.services.bedrockruntime.model.ContentBlockDeltaEvent.builder()
                .contentBlockIndex(2)
                .delta(d -> d.toolUse(t -> t.input("{\"a\":")))
                .build();
        assertThat(ConverseJson.toJsonString(delta))
                .isEqualTo("{\"delta\":{\"toolUse\":{\"input\":\"{\\\"a\\\":\"}},\"contentBlockIndex\":2}");
    }
}
