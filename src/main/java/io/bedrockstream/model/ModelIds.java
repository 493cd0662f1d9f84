package io.bedrockstream.model;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recognises the model family from what users put in {@code bedrock.model.id}: a bare model id, a
 * cross-region inference-profile id ({@code us.}, {@code eu.}, {@code apac.}, {@code global.} …), or an ARN.
 * Provisioned, imported and custom models have opaque ARNs, so their family must be configured.
 */
public final class ModelIds {

    /** The config key users set when the family cannot be told from the id. */
    public static final String FAMILY_CONFIG_KEY = "bedrock.model.family";

    /** Providers whose model ids start with {@code <provider>.}; a segment before them is a region group. */
    private static final Set<String> PROVIDERS =
            Set.of("anthropic", "amazon", "meta", "mistral", "cohere", "ai21", "deepseek", "openai");

    /** A region-group prefix such as {@code us}, {@code us-gov}, {@code apac}, {@code global}. */
    private static final Pattern REGION_GROUP = Pattern.compile("[a-z]{2,10}(-[a-z]{2,10})?");

    /** Embedding, image, video and speech models share prefixes with text models but do not stream text. */
    private static final Pattern NOT_TEXT_STREAMING =
            Pattern.compile("embed|^amazon\\.nova-(\\d+-)?(canvas|reel|sonic)|rerank");

    private ModelIds() {}

    public static boolean isArn(String modelId) {
        return modelId != null && modelId.trim().startsWith("arn:");
    }

    public static boolean familyDeterminable(String modelId) {
        return detect(modelId).isPresent();
    }

    /** The family the id names, or empty if the id does not say (opaque ARNs, unknown or non-streaming models). */
    public static Optional<ModelFamily> detect(String modelId) {
        if (modelId == null || modelId.isBlank()) {
            return Optional.empty();
        }
        String id = modelId.trim().toLowerCase(Locale.ROOT);
        if (id.startsWith("arn:")) {
            id = modelIdInArn(id);
            if (id == null) {
                return Optional.empty();
            }
        }
        return familyOfBareId(stripRegionGroup(id));
    }

    /**
     * The family to use: a non-blank override wins, else the detected one.
     *
     * @throws IllegalArgumentException if the override is not a family name, or the id does not say its family
     */
    public static ModelFamily resolve(String modelId, String familyOverride) {
        if (familyOverride != null && !familyOverride.isBlank()) {
            return ModelFamily.fromConfigName(familyOverride)
                    .orElseThrow(() -> new IllegalArgumentException("Unknown model family '" + familyOverride.trim()
                            + "' in " + FAMILY_CONFIG_KEY + "; valid names: " + validNames()));
        }
        return detect(modelId)
                .orElseThrow(() -> new IllegalArgumentException("Cannot tell the model family of model id '" + modelId
                        + "'; set " + FAMILY_CONFIG_KEY + " to one of: " + validNames()));
    }

    /** The family names accepted by {@code bedrock.model.family}, comma separated. */
    public static String validNames() {
        return String.join(", ", ConfigNamed.names(ModelFamily.class));
    }

    /**
     * {@code arn:<partition>:bedrock:<region>:<account>:<type>/<id>}; only foundation-model and
     * inference-profile ARNs carry a model id. Application inference profiles, provisioned, imported and
     * custom models have generated ids that say nothing of the family.
     */
    private static String modelIdInArn(String arn) {
        String[] parts = arn.split(":", 6);
        if (parts.length < 6) {
            return null;
        }
        String resource = parts[5];
        int slash = resource.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String type = resource.substring(0, slash);
        if (type.equals("foundation-model") || type.equals("inference-profile")) {
            return resource.substring(slash + 1);
        }
        return null;
    }

    private static String stripRegionGroup(String id) {
        int dot = id.indexOf('.');
        if (dot < 0) {
            return id;
        }
        String first = id.substring(0, dot);
        if (PROVIDERS.contains(first)) {
            return id;
        }
        String rest = id.substring(dot + 1);
        int nextDot = rest.indexOf('.');
        if (REGION_GROUP.matcher(first).matches() && nextDot > 0 && PROVIDERS.contains(rest.substring(0, nextDot))) {
            return rest;
        }
        return id;
    }

    private static Optional<ModelFamily> familyOfBareId(String id) {
        if (NOT_TEXT_STREAMING.matcher(id).find()) {
            return Optional.empty();
        }
        ModelFamily family = null;
        if (id.startsWith("anthropic.claude")) {
            family = ModelFamily.ANTHROPIC;
        } else if (id.startsWith("amazon.titan-text") || id.startsWith("amazon.titan-tg1")) {
            family = ModelFamily.TITAN;
        } else if (id.startsWith("amazon.nova")) {
            family = ModelFamily.NOVA;
        } else if (id.startsWith("meta.llama")) {
            family = ModelFamily.LLAMA;
        } else if (id.startsWith("mistral.mistral-large-2407")) {
            family = ModelFamily.MISTRAL_CHAT;
        } else if (id.startsWith("mistral.")) {
            family = ModelFamily.MISTRAL;
        } else if (id.startsWith("cohere.command-r")) {
            family = ModelFamily.COHERE;
        } else if (id.startsWith("ai21.jamba")) {
            family = ModelFamily.JAMBA;
        } else if (id.startsWith("deepseek.")) {
            family = ModelFamily.DEEPSEEK;
        } else if (id.startsWith("openai.gpt-oss")) {
            family = ModelFamily.OPENAI;
        }
        return Optional.ofNullable(family);
    }
}
