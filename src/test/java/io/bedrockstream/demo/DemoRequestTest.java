package io.bedrockstream.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DemoRequestTest {

    @Test
    void tagIsTheModelNameAfterVendorAndInferenceProfilePrefix() {
        assertThat(List.of(
                        "anthropic.claude-3-haiku-20240307-v1:0",
                        "us.anthropic.claude-3-5-haiku-20241022-v1:0",
                        "global.anthropic.claude-sonnet-4-20250514-v1:0",
                        "amazon.nova-lite-v1:0",
                        "meta.llama3-1-8b-instruct-v1:0",
                        "mistral.mistral-7b-instruct-v0:2",
                        "amazon.titan-text-express-v1",
                        "cohere.command-r-v1:0",
                        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"))
                .map(DemoRequest::tagOf)
                .containsExactly(
                        "claude", "claude", "claude", "nova", "llama", "mistral", "titan", "command", "claude");
    }

    @Test
    void emulatorSetCoversFiveFamiliesAThrottledOneAndOneNotAllowed() {
        List<DemoRequest> requests = DemoRequest.forEmulator();

        assertThat(requests)
                .extracting(DemoRequest::tag)
                .containsExactly("claude", "nova", "llama", "mistral", "titan", "claude", "command");
        assertThat(requests)
                .filteredOn(DemoRequest::expectDeadLetter)
                .singleElement()
                .satisfies(r -> assertThat(DemoRequest.ALLOWED_MODELS).doesNotContain(r.modelHeader()));
        assertThat(requests)
                .filteredOn(r -> !r.expectDeadLetter() && r.modelHeader() != null)
                .allSatisfy(r -> assertThat(DemoRequest.ALLOWED_MODELS).contains(r.modelHeader()));
        assertThat(requests)
                .filteredOn(r -> r.prompt().contains("[[emu id=req-throttled throttle=2]]"))
                .hasSize(1);
    }

    @Test
    void converseSetIsOneToolCallAndOneReasoningRequestAsConverseJson() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<DemoRequest> requests = DemoRequest.converseForEmulator();

        assertThat(requests).extracting(DemoRequest::id).containsExactly("req-8", "req-9");
        assertThat(requests).allSatisfy(r -> {
            assertThat(r.converse()).isTrue();
            assertThat(r.tag()).isEqualTo("converse");
            assertThat(r.modelHeader()).isNull();
            assertThat(r.expectDeadLetter()).isFalse();
        });
        var tool = json.readTree(requests.get(0).prompt());
        assertThat(tool.at("/toolConfig/tools/0/toolSpec/name").asText()).isEqualTo("get_weather");
        assertThat(tool.at("/messages/0/content/0/text").asText()).contains("[[emu id=req-tool tool=get_weather");
        var reasoning = json.readTree(requests.get(1).prompt());
        assertThat(reasoning.at("/additionalModelRequestFields/thinking/type").asText())
                .isEqualTo("enabled");
        assertThat(reasoning.at("/messages/0/content/0/text").asText()).contains("reasoning=12");
        assertThat(DemoRequest.forEmulator()).noneMatch(DemoRequest::converse);
    }

    @Test
    void bedrockSetUsesNoHeadersAndNoDirectives() {
        assertThat(DemoRequest.forBedrock("us.anthropic.claude-3-5-haiku-20241022-v1:0"))
                .isNotEmpty()
                .allSatisfy(r -> {
                    assertThat(r.modelHeader()).isNull();
                    assertThat(r.prompt()).doesNotContain("[[emu");
                    assertThat(r.expectDeadLetter()).isFalse();
                });
    }
}
