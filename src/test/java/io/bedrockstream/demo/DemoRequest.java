package io.bedrockstream.demo;

import java.util.List;

/**
 * One sample request record: key = id, value = a plain prompt, and optionally a {@code model} header that
 * asks the connector for another model than its default.
 *
 * @param prompt      the record value: a plain prompt, or for {@code converse} a whole Converse request as JSON
 * @param modelHeader the model override header's value, or null to use the connector's bedrock.model.id
 * @param expectDeadLetter true when the connector is meant to refuse it (model not in the allow-list)
 * @param converse    sent to the ConverseStream connector's request topic instead of the InvokeModel one
 */
public record DemoRequest(
        String id, String prompt, String modelHeader, String model, boolean expectDeadLetter, boolean converse) {

    public DemoRequest(String id, String prompt, String modelHeader, String model, boolean expectDeadLetter) {
        this(id, prompt, modelHeader, model, expectDeadLetter, false);
    }

    public static final String MODEL_HEADER = "model";
    private static final List<String> PROFILE_PREFIXES =
            List.of("us", "eu", "apac", "global", "us-gov", "jp", "au", "ca");
    public static final String DEFAULT_EMULATED_MODEL = "anthropic.claude-3-haiku-20240307-v1:0";

    /** Models the override header may name, one per family the emulator streams. */
    public static final List<String> ALLOWED_MODELS = List.of(
            DEFAULT_EMULATED_MODEL,
            "amazon.nova-lite-v1:0",
            "meta.llama3-1-8b-instruct-v1:0",
            "mistral.mistral-7b-instruct-v0:2",
            "amazon.titan-text-express-v1");

    /** Requests for the emulator: five families, one throttled twice before it is served, one dead-lettered. */
    public static List<DemoRequest> forEmulator() {
        return List.of(
                override("req-1", ALLOWED_MODELS.get(0), "Explain what a Kafka Connect sink connector does."),
                override("req-2", ALLOWED_MODELS.get(1), "Write a haiku about tokens streaming into a topic."),
                override("req-3", ALLOWED_MODELS.get(2), "List three uses of a dead-letter topic."),
                override("req-4", ALLOWED_MODELS.get(3), "What is backpressure in a stream processor?"),
                override("req-5", ALLOWED_MODELS.get(4), "Summarise at-least-once delivery in one line."),
                // the emulator answers this one with ThrottlingException twice, then streams it
                new DemoRequest(
                        "req-6",
                        "[[emu id=req-throttled throttle=2]] Why retry with full jitter?",
                        null,
                        DEFAULT_EMULATED_MODEL,
                        false),
                new DemoRequest(
                        "req-7",
                        "Not every model is allowed: this one goes to the dead-letter topic.",
                        "cohere.command-r-v1:0",
                        "cohere.command-r-v1:0",
                        true));
    }

    /** The model the ConverseStream connector calls (any model id works with Converse). */
    public static final String CONVERSE_MODEL = "us.anthropic.claude-3-7-sonnet-20250219-v1:0";

    /**
     * Converse requests (passthrough: the record value is the Converse request) for the emulator: one that answers
     * with a tool call, its input JSON split over several deltas, and one that reasons first, its signature in a
     * delta of its own. The {@code [[emu …]]} directive picks what the emulator streams.
     */
    public static List<DemoRequest> converseForEmulator() {
        String tool = """
                {"messages":[{"role":"user","content":[{"text":"What is the weather in Paris?                 [[emu id=req-tool tool=get_weather words=8]]"}]}],                "inferenceConfig":{"maxTokens":300},                "toolConfig":{"tools":[{"toolSpec":{"name":"get_weather","description":"Current weather for a city",                "inputSchema":{"json":{"type":"object","properties":{"location":{"type":"string"},                "unit":{"type":"string"},"days":{"type":"array","items":{"type":"integer"}}},                "required":["location"]}}}}]}}""";
        String reasoning = """
                {"messages":[{"role":"user","content":[{"text":"Which is larger, 9.11 or 9.9?                 [[emu id=req-reasoning reasoning=12 words=10]]"}]}],                "inferenceConfig":{"maxTokens":2048},                "additionalModelRequestFields":{"thinking":{"type":"enabled","budget_tokens":1024}}}""";
        return List.of(
                new DemoRequest("req-8", tool, null, CONVERSE_MODEL, false, true),
                new DemoRequest("req-9", reasoning, null, CONVERSE_MODEL, false, true));
    }

    /** Requests for real Bedrock: all on the configured model, short answers, nothing meant to fail. */
    public static List<DemoRequest> forBedrock(String modelId) {
        return List.of(
                new DemoRequest(
                        "req-1",
                        "In two sentences: what does a Kafka Connect sink connector do?",
                        null,
                        modelId,
                        false),
                new DemoRequest(
                        "req-2", "Write a haiku about tokens streaming into a Kafka topic.", null, modelId, false),
                new DemoRequest(
                        "req-3", "Name three uses of a dead-letter topic, one line each.", null, modelId, false));
    }

    private static DemoRequest override(String id, String model, String prompt) {
        return new DemoRequest(id, prompt, model, model, false);
    }

    /**
     * A short name for the live output: the family, "claude", "nova", "llama", "mistral", "titan", "command", or
     * "converse" for a ConverseStream request.
     */
    public String tag() {
        return converse ? "converse" : tagOf(model);
    }

    static String tagOf(String modelId) {
        String id = modelId;
        int arn = id.lastIndexOf('/');
        if (arn >= 0) {
            id = id.substring(arn + 1);
        }
        String[] parts = id.split("\\.");
        // "us.anthropic.claude-…" (inference profile) or "anthropic.claude-…": the name follows the vendor
        int vendor = parts.length >= 3 && PROFILE_PREFIXES.contains(parts[0]) ? 1 : 0;
        String name = parts.length > vendor + 1 ? parts[vendor + 1] : parts[parts.length - 1];
        int end = 0;
        while (end < name.length() && Character.isLetter(name.charAt(end))) {
            end++;
        }
        return end == 0 ? name : name.substring(0, end);
    }
}
