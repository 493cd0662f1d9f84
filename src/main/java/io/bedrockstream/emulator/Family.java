package io.bedrockstream.emulator;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The emulator's own notion of a model family (deliberately independent of the connector's). */
enum Family {
    ANTHROPIC("anthropic"),
    TITAN("titan"),
    NOVA("nova"),
    LLAMA("llama"),
    MISTRAL("mistral"),
    MISTRAL_CHAT("mistral-chat"),
    COHERE("cohere"),
    JAMBA("jamba"),
    DEEPSEEK("deepseek"),
    OPENAI("openai");

    private static final List<String> PROFILE_PREFIXES =
            List.of("us.", "eu.", "apac.", "global.", "us-gov.", "jp.", "au.", "ca.");

    final String directiveName;

    Family(String directiveName) {
        this.directiveName = directiveName;
    }

    static Optional<Family> fromDirective(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.toLowerCase(Locale.ROOT);
        for (Family f : values()) {
            if (f.directiveName.equals(n) || f.name().equalsIgnoreCase(n)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /**
     * The base model id behind a bare id, an inference-profile id or a foundation-model / inference-profile
     * ARN; empty for ARNs that do not name a model (provisioned, imported, custom, application profiles).
     */
    static Optional<String> baseModelId(String modelId) {
        String id = modelId;
        if (id.startsWith("arn:")) {
            int slash = id.indexOf('/');
            if (slash < 0) {
                return Optional.empty();
            }
            String resourceType = id.substring(id.lastIndexOf(':', slash) + 1, slash);
            if (!resourceType.equals("foundation-model") && !resourceType.equals("inference-profile")) {
                return Optional.empty();
            }
            id = id.substring(slash + 1);
        }
        for (String prefix : PROFILE_PREFIXES) {
            if (id.startsWith(prefix)) {
                id = id.substring(prefix.length());
                break;
            }
        }
        return Optional.of(id);
    }

    /** The family of a model id, or of a provisioned/imported ARN given a {@code family=} directive. */
    static Optional<Family> resolve(String modelId, String familyDirective) {
        Optional<String> base = baseModelId(modelId);
        if (base.isEmpty()) {
            return fromDirective(familyDirective);
        }
        String id = base.get();
        if (id.startsWith("anthropic.claude-")) {
            return Optional.of(ANTHROPIC);
        } else if (id.startsWith("amazon.titan-text-")) {
            return Optional.of(TITAN);
        } else if (id.startsWith("amazon.nova-")) {
            return Optional.of(NOVA);
        } else if (id.startsWith("meta.llama")) {
            return Optional.of(LLAMA);
        } else if (id.startsWith("mistral.mistral-large-2407")) {
            return Optional.of(MISTRAL_CHAT);
        } else if (id.startsWith("mistral.")) {
            return Optional.of(MISTRAL);
        } else if (id.startsWith("cohere.command-r")) {
            return Optional.of(COHERE);
        } else if (id.startsWith("ai21.jamba")) {
            return Optional.of(JAMBA);
        } else if (id.startsWith("deepseek.")) {
            return Optional.of(DEEPSEEK);
        } else if (id.startsWith("openai.gpt-oss")) {
            return Optional.of(OPENAI);
        }
        return Optional.empty();
    }
}
