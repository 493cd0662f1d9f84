package io.bedrockstream.emulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The model-native chunk JSON each family streams for a generation (BEDROCK.md §5), and the matching
 * non-streaming body. Invocation metrics are added to the last chunk when it is sent.
 */
final class ChunkScript {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ChunkScript() {}

    static List<ObjectNode> chunks(Family family, String baseModel, Generation g) {
        List<ObjectNode> out = new ArrayList<>();
        int in = g.inputTokens;
        int outTokens = g.outputTokens();
        switch (family) {
            case ANTHROPIC -> {
                ObjectNode start = obj("type", "message_start");
                ObjectNode message = start.putObject("message");
                message.put("id", "msg_bdrk_" + g.randomId(24));
                message.put("type", "message").put("role", "assistant").put("model", modelName(baseModel));
                message.putArray("content");
                message.putNull("stop_reason");
                message.putNull("stop_sequence");
                message.putObject("usage")
                        .put("input_tokens", in)
                        .put("cache_creation_input_tokens", 0)
                        .put("cache_read_input_tokens", 0)
                        .put("output_tokens", 1);
                out.add(start);
                ObjectNode blockStart = obj("type", "content_block_start").put("index", 0);
                blockStart.putObject("content_block").put("type", "text").put("text", "");
                out.add(blockStart);
                for (String delta : g.deltas) {
                    ObjectNode d = obj("type", "content_block_delta").put("index", 0);
                    d.putObject("delta").put("type", "text_delta").put("text", delta);
                    out.add(d);
                }
                out.add(obj("type", "content_block_stop").put("index", 0));
                ObjectNode messageDelta = obj("type", "message_delta");
                messageDelta
                        .putObject("delta")
                        .put("stop_reason", g.truncated ? "max_tokens" : "end_turn")
                        .putNull("stop_sequence");
                messageDelta.putObject("usage").put("output_tokens", outTokens);
                out.add(messageDelta);
                out.add(obj("type", "message_stop"));
            }
            case TITAN ->
                forEachDelta(g, (delta, last, first) -> {
                    ObjectNode c = obj("outputText", delta).put("index", 0);
                    if (last) {
                        c.put("totalOutputTextTokenCount", outTokens);
                        c.put("completionReason", g.truncated ? "LENGTH" : "FINISH");
                    } else {
                        c.putNull("totalOutputTextTokenCount");
                        c.putNull("completionReason");
                    }
                    c.put("inputTextTokenCount", in);
                    out.add(c);
                });
            case NOVA -> {
                ObjectNode start = F.objectNode();
                start.putObject("messageStart").put("role", "assistant");
                out.add(start);
                for (String delta : g.deltas) {
                    ObjectNode c = F.objectNode();
                    ObjectNode block = c.putObject("contentBlockDelta");
                    block.putObject("delta").put("text", delta);
                    block.put("contentBlockIndex", 0);
                    out.add(c);
                }
                ObjectNode stop = F.objectNode();
                stop.putObject("contentBlockStop").put("contentBlockIndex", 0);
                out.add(stop);
                ObjectNode messageStop = F.objectNode();
                messageStop.putObject("messageStop").put("stopReason", g.truncated ? "max_tokens" : "end_turn");
                out.add(messageStop);
                ObjectNode metadata = F.objectNode();
                ObjectNode m = metadata.putObject("metadata");
                m.putObject("usage").put("inputTokens", in).put("outputTokens", outTokens);
                m.putObject("metrics");
                m.putObject("trace");
                out.add(metadata);
            }
            case LLAMA -> {
                int[] index = {0};
                forEachDelta(g, (delta, last, first) -> {
                    int sent = g.wordsThrough(index[0]++);
                    ObjectNode c = obj("generation", delta);
                    if (first) {
                        c.put("prompt_token_count", in);
                    } else {
                        c.putNull("prompt_token_count");
                    }
                    c.put("generation_token_count", sent);
                    stopReason(c, last, g.truncated ? "length" : "stop");
                    out.add(c);
                });
            }
            case MISTRAL ->
                forEachDelta(g, (delta, last, first) -> {
                    ObjectNode c = F.objectNode();
                    ObjectNode o = c.putArray("outputs").addObject().put("text", delta);
                    stopReason(o, last, g.truncated ? "length" : "stop");
                    out.add(c);
                });
            case MISTRAL_CHAT ->
                forEachDelta(g, (delta, last, first) -> {
                    ObjectNode c = F.objectNode();
                    ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
                    choice.putObject("message").put("role", "assistant").put("content", delta);
                    stopReason(choice, last, g.truncated ? "length" : "stop");
                    out.add(c);
                });
            case COHERE -> {
                String generationId = uuidLike(g);
                out.add(F.objectNode()
                        .put("is_finished", false)
                        .put("event_type", "stream-start")
                        .put("generation_id", generationId));
                for (String delta : g.deltas) {
                    out.add(F.objectNode()
                            .put("is_finished", false)
                            .put("event_type", "text-generation")
                            .put("text", delta));
                }
                String finish = g.truncated ? "MAX_TOKENS" : "COMPLETE";
                ObjectNode end = F.objectNode().put("is_finished", true).put("event_type", "stream-end");
                ObjectNode response = end.putObject("response");
                response.put("response_id", uuidLike(g)).put("text", g.text()).put("generation_id", generationId);
                response.putArray("chat_history");
                response.put("finish_reason", finish);
                response.putObject("meta")
                        .putObject("billed_units")
                        .put("input_tokens", in)
                        .put("output_tokens", outTokens);
                end.put("finish_reason", finish);
                out.add(end);
            }
            case JAMBA, OPENAI -> {
                String id = "chatcmpl-" + g.randomId(24);
                forEachDelta(g, (delta, last, first) -> {
                    ObjectNode c = F.objectNode().put("id", id);
                    if (family == Family.OPENAI) {
                        c.put("object", "chat.completion.chunk")
                                .put("created", 1_700_000_000L)
                                .put("model", modelName(baseModel));
                    }
                    ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
                    ObjectNode d = choice.putObject("delta");
                    if (first) {
                        d.put("role", "assistant");
                    }
                    d.put("content", delta);
                    if (last) {
                        choice.put("finish_reason", g.truncated ? "length" : "stop");
                        c.putObject("usage")
                                .put("prompt_tokens", in)
                                .put("completion_tokens", outTokens)
                                .put("total_tokens", in + outTokens);
                    } else {
                        choice.putNull("finish_reason");
                    }
                    out.add(c);
                });
            }
            case DEEPSEEK ->
                forEachDelta(g, (delta, last, first) -> {
                    ObjectNode c = F.objectNode();
                    ObjectNode choice = c.putArray("choices").addObject().put("text", delta);
                    stopReason(choice, last, g.truncated ? "length" : "stop");
                    out.add(c);
                });
            default -> throw new IllegalStateException("unhandled family " + family);
        }
        return out;
    }

    /** The body {@code /invoke} returns: the family's non-streaming response. */
    static ObjectNode fullResponse(Family family, String baseModel, Generation g) {
        int in = g.inputTokens;
        int outTokens = g.outputTokens();
        String text = g.text();
        ObjectNode r = F.objectNode();
        switch (family) {
            case ANTHROPIC -> {
                r.put("id", "msg_bdrk_" + g.randomId(24))
                        .put("type", "message")
                        .put("role", "assistant")
                        .put("model", modelName(baseModel));
                r.putArray("content").addObject().put("type", "text").put("text", text);
                r.put("stop_reason", g.truncated ? "max_tokens" : "end_turn").putNull("stop_sequence");
                r.putObject("usage").put("input_tokens", in).put("output_tokens", outTokens);
            }
            case TITAN -> {
                r.put("inputTextTokenCount", in);
                r.putArray("results")
                        .addObject()
                        .put("tokenCount", outTokens)
                        .put("outputText", text)
                        .put("completionReason", g.truncated ? "LENGTH" : "FINISH");
            }
            case NOVA -> {
                ObjectNode message = r.putObject("output").putObject("message").put("role", "assistant");
                message.putArray("content").addObject().put("text", text);
                r.put("stopReason", g.truncated ? "max_tokens" : "end_turn");
                r.putObject("usage")
                        .put("inputTokens", in)
                        .put("outputTokens", outTokens)
                        .put("totalTokens", in + outTokens);
            }
            case LLAMA ->
                r.put("generation", text)
                        .put("prompt_token_count", in)
                        .put("generation_token_count", outTokens)
                        .put("stop_reason", g.truncated ? "length" : "stop");
            case MISTRAL ->
                r.putArray("outputs").addObject().put("text", text).put("stop_reason", g.truncated ? "length" : "stop");
            case MISTRAL_CHAT -> {
                ObjectNode choice = r.putArray("choices").addObject().put("index", 0);
                choice.putObject("message").put("role", "assistant").put("content", text);
                choice.put("stop_reason", g.truncated ? "length" : "stop");
            }
            case COHERE -> {
                r.put("response_id", uuidLike(g)).put("text", text).put("generation_id", uuidLike(g));
                r.putArray("chat_history");
                r.put("finish_reason", g.truncated ? "MAX_TOKENS" : "COMPLETE");
            }
            case JAMBA, OPENAI -> {
                r.put("id", "chatcmpl-" + g.randomId(24));
                if (family == Family.OPENAI) {
                    r.put("object", "chat.completion")
                            .put("created", 1_700_000_000L)
                            .put("model", modelName(baseModel));
                }
                ObjectNode choice = r.putArray("choices").addObject().put("index", 0);
                choice.putObject("message").put("role", "assistant").put("content", text);
                choice.put("finish_reason", g.truncated ? "length" : "stop");
                r.putObject("usage")
                        .put("prompt_tokens", in)
                        .put("completion_tokens", outTokens)
                        .put("total_tokens", in + outTokens);
            }
            case DEEPSEEK ->
                r.putArray("choices").addObject().put("text", text).put("stop_reason", g.truncated ? "length" : "stop");
            default -> throw new IllegalStateException("unhandled family " + family);
        }
        return r;
    }

    private interface DeltaConsumer {
        void accept(String delta, boolean last, boolean first);
    }

    /** Families whose terminal marker rides on the last text chunk; zero words still send one chunk. */
    private static void forEachDelta(Generation g, DeltaConsumer consumer) {
        List<String> deltas = g.deltas.isEmpty() ? List.of("") : g.deltas;
        for (int i = 0; i < deltas.size(); i++) {
            consumer.accept(deltas.get(i), i == deltas.size() - 1, i == 0);
        }
    }

    private static void stopReason(ObjectNode node, boolean last, String reason) {
        if (last) {
            node.put("stop_reason", reason);
        } else {
            node.putNull("stop_reason");
        }
    }

    private static ObjectNode obj(String key, String value) {
        return F.objectNode().put(key, value);
    }

    private static String modelName(String baseModel) {
        int dot = baseModel.indexOf('.');
        return dot >= 0 ? baseModel.substring(dot + 1) : baseModel;
    }

    private static String uuidLike(Generation g) {
        return new java.util.UUID(g.random.nextLong(), g.random.nextLong()).toString();
    }
}
