package io.bedrockstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelIdsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "anthropic.claude-3-haiku-20240307-v1:0, ANTHROPIC",
        "anthropic.claude-sonnet-4-5-20250929-v1:0, ANTHROPIC",
        "us.anthropic.claude-3-5-sonnet-20241022-v2:0, ANTHROPIC",
        "eu.anthropic.claude-3-7-sonnet-20250219-v1:0, ANTHROPIC",
        "apac.anthropic.claude-3-haiku-20240307-v1:0, ANTHROPIC",
        "global.anthropic.claude-sonnet-4-20250514-v1:0, ANTHROPIC",
        "us-gov.anthropic.claude-3-haiku-20240307-v1:0, ANTHROPIC",
        "jp.anthropic.claude-sonnet-4-5-20250929-v1:0, ANTHROPIC",
        "  ANTHROPIC.Claude-3-haiku-20240307-v1:0  , ANTHROPIC",
        "amazon.titan-text-express-v1, TITAN",
        "amazon.titan-text-premier-v1:0, TITAN",
        "amazon.titan-tg1-large, TITAN",
        "us.amazon.nova-2-lite-v1:0, NOVA",
        "amazon.nova-pro-v1:0, NOVA",
        "us.amazon.nova-lite-v1:0, NOVA",
        "amazon.nova-micro-v1:0, NOVA",
        "meta.llama3-1-8b-instruct-v1:0, LLAMA",
        "us.meta.llama3-2-3b-instruct-v1:0, LLAMA",
        "meta.llama4-scout-17b-instruct-v1:0, LLAMA",
        "mistral.mistral-7b-instruct-v0:2, MISTRAL",
        "mistral.mixtral-8x7b-instruct-v0:1, MISTRAL",
        "mistral.mistral-large-2402-v1:0, MISTRAL",
        "mistral.mistral-large-2407-v1:0, MISTRAL_CHAT",
        "us.mistral.pixtral-large-2502-v1:0, MISTRAL",
        "cohere.command-r-v1:0, COHERE",
        "cohere.command-r-plus-v1:0, COHERE",
        "ai21.jamba-1-5-mini-v1:0, JAMBA",
        "ai21.jamba-instruct-v1:0, JAMBA",
        "deepseek.r1-v1:0, DEEPSEEK",
        "us.deepseek.r1-v1:0, DEEPSEEK",
        "openai.gpt-oss-20b-1:0, OPENAI",
        "openai.gpt-oss-120b-1:0, OPENAI",
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1, TITAN",
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0, ANTHROPIC",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-1-8b-instruct-v1:0, LLAMA",
        "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.amazon.nova-pro-v1:0, NOVA",
        "arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0, ANTHROPIC",
    })
    void detectsTheFamilyOfEveryIdForm(String modelId, ModelFamily expected) {
        assertThat(ModelIds.detect(modelId)).contains(expected);
        assertThat(ModelIds.familyDeterminable(modelId)).isTrue();
        assertThat(ModelIds.resolve(modelId, null)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456",
                "arn:aws:bedrock:us-east-1:123456789012:imported-model/k2x9abc",
                "arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.titan-text-express-v1:0:8k/abcd1234",
                "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5",
                "arn:aws:bedrock:us-east-1::foundation-model",
                "arn:aws:bedrock",
                "amazon.titan-embed-text-v2:0",
                "amazon.titan-embed-image-v1",
                "cohere.embed-english-v3",
                "cohere.command-text-v14",
                "amazon.nova-canvas-v1:0",
                "amazon.nova-sonic-v1:0",
                "amazon.nova-2-sonic-v1:0",
                "amazon.nova-2-multimodal-embeddings-v1:0",
                "stability.sd3-large-v1:0",
                "gpt-4o",
                "us.unknown.model-v1",
                "xx.yy.anthropic.claude-3-haiku",
            })
    void unknownAndOpaqueIdsHaveNoFamily(String modelId) {
        assertThat(ModelIds.detect(modelId)).isEmpty();
        assertThat(ModelIds.familyDeterminable(modelId)).isFalse();
    }

    @Test
    void nullIdHasNoFamily() {
        assertThat(ModelIds.detect(null)).isEmpty();
        assertThat(ModelIds.isArn(null)).isFalse();
    }

    @Test
    void recognisesArns() {
        assertThat(ModelIds.isArn("arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1"))
                .isTrue();
        assertThat(ModelIds.isArn(" arn:aws:bedrock:us-east-1:1:provisioned-model/x"))
                .isTrue();
        assertThat(ModelIds.isArn("anthropic.claude-3-haiku-20240307-v1:0")).isFalse();
    }

    @Test
    void overrideWinsOverTheDetectedFamily() {
        assertThat(ModelIds.resolve("anthropic.claude-3-haiku-20240307-v1:0", "llama"))
                .isEqualTo(ModelFamily.LLAMA);
        assertThat(ModelIds.resolve("arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc", " Mistral-Chat "))
                .isEqualTo(ModelFamily.MISTRAL_CHAT);
    }

    @Test
    void blankOverrideFallsBackToDetection() {
        assertThat(ModelIds.resolve("amazon.nova-pro-v1:0", "  ")).isEqualTo(ModelFamily.NOVA);
        assertThat(ModelIds.resolve("amazon.nova-pro-v1:0", "")).isEqualTo(ModelFamily.NOVA);
    }

    @Test
    void undeterminableFamilyTellsWhatToSet() {
        String arn = "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123";
        assertThatThrownBy(() -> ModelIds.resolve(arn, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Cannot tell the model family of model id '" + arn + "'; set bedrock.model.family to "
                                + "one of: anthropic, titan, nova, llama, mistral, mistral-chat, cohere, jamba, deepseek, openai");
    }

    @Test
    void unknownOverrideNameListsTheValidNames() {
        assertThatThrownBy(() -> ModelIds.resolve("anthropic.claude-3-haiku-20240307-v1:0", "claude"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown model family 'claude' in bedrock.model.family")
                .hasMessageContaining(
                        "anthropic, titan, nova, llama, mistral, mistral-chat, cohere, jamba, deepseek, openai");
    }
}
