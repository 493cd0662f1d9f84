package io.bedrockstream.request;

import com.fasterxml.jackson.databind.JsonNode;
import io.bedrockstream.model.ModelFamily;
import java.io.IOException;
import java.util.OptionalLong;

/**
 * What a request will reserve against Bedrock's tokens-per-minute quota when it starts: its input tokens plus
 * its max tokens. Bedrock counts the input with the model's tokenizer, which the connector does not have, so
 * the input is estimated from the body; the max tokens are read from the body exactly.
 *
 * <p>The input estimate: one token per 4 ASCII bytes (rounded up) plus one per non-ASCII code point, over the
 * whole request body. English text runs at about 4 characters a token in the Claude, Llama and Titan tokenizers;
 * CJK and other non-Latin scripts at one token or more per character, where bytes / 4 would count only 0.75.
 * Counting the whole body, JSON syntax included, errs high by a few tokens per message: an estimate that is too
 * high only holds a little quota until the call settles, one that is too low gets the call throttled. Base64
 * images or documents in a body are counted as text and come out far too high (a known limit).
 */
public final class TokenEstimator {

    private TokenEstimator() {}

    /** Input tokens estimated from the body's UTF-8 bytes: ceil(ASCII bytes / 4) + non-ASCII code points. */
    public static long inputTokens(byte[] body) {
        if (body == null) {
            return 0;
        }
        long ascii = 0;
        long other = 0;
        for (byte b : body) {
            if (b >= 0) {
                ascii++;
            } else if ((b & 0xC0) != 0x80) {
                other++; // the lead byte of a multi-byte code point; continuation bytes (10xxxxxx) do not count
            }
        }
        return (ascii + 3) / 4 + other;
    }

    /** Output tokens estimated from generated text, as for input: for a call that ended without usage. */
    public static long textTokens(CharSequence text) {
        if (text == null) {
            return 0;
        }
        long ascii = 0;
        long other = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                ascii++;
            } else if (!Character.isLowSurrogate(c)) {
                other++;
            }
        }
        return (ascii + 3) / 4 + other;
    }

    /**
     * The request's max tokens as Bedrock reads them: {@code inferenceConfig.maxTokens} for ConverseStream, and
     * per family for InvokeModel — Anthropic, Mistral, DeepSeek, Cohere, Jamba {@code max_tokens}; Titan
     * {@code textGenerationConfig.maxTokenCount}; Nova {@code inferenceConfig.maxTokens} (or
     * {@code max_new_tokens}); Llama {@code max_gen_len}; OpenAI {@code max_completion_tokens} (or
     * {@code max_tokens}). Without a family every one of these names is tried. Empty when the body sets none
     * (Bedrock then reserves the model's own maximum) or is not JSON.
     */
    public static OptionalLong maxTokens(ModelRequest request) {
        JsonNode root;
        try {
            root = RequestJson.MAPPER.readTree(request.body());
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        if (root == null || !root.isObject()) {
            return OptionalLong.empty();
        }
        if (request.api() == BedrockApi.CONVERSE) {
            return field(root, "inferenceConfig", "maxTokens");
        }
        ModelFamily family = request.family();
        if (family == null) {
            return first(root, new String[][] {
                {"max_tokens"},
                {"inferenceConfig", "maxTokens"},
                {"max_completion_tokens"},
                {"max_gen_len"},
                {"textGenerationConfig", "maxTokenCount"},
                {"inferenceConfig", "max_new_tokens"},
                {"max_new_tokens"},
                {"maxTokens"}
            });
        }
        return switch (family) {
            case ANTHROPIC, MISTRAL, MISTRAL_CHAT, DEEPSEEK, COHERE, JAMBA -> field(root, "max_tokens");
            case TITAN -> field(root, "textGenerationConfig", "maxTokenCount");
            case NOVA ->
                first(root, new String[][] {
                    {"inferenceConfig", "maxTokens"}, {"inferenceConfig", "max_new_tokens"}, {"max_new_tokens"}
                });
            case LLAMA -> field(root, "max_gen_len");
            case OPENAI -> first(root, new String[][] {{"max_completion_tokens"}, {"max_tokens"}});
        };
    }

    private static OptionalLong first(JsonNode root, String[][] paths) {
        for (String[] path : paths) {
            OptionalLong v = field(root, path);
            if (v.isPresent()) {
                return v;
            }
        }
        return OptionalLong.empty();
    }

    private static OptionalLong field(JsonNode root, String... path) {
        JsonNode n = root;
        for (String p : path) {
            n = n.path(p);
        }
        if (n.isIntegralNumber() && n.canConvertToLong() && n.longValue() >= 0) {
            return OptionalLong.of(n.longValue());
        }
        if (n.isNumber() && n.doubleValue() >= 0 && n.doubleValue() == Math.rint(n.doubleValue())) {
            return OptionalLong.of((long) n.doubleValue()); // 512.0, or a BigDecimal 512
        }
        return OptionalLong.empty();
    }
}
