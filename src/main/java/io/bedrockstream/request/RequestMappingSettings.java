package io.bedrockstream.request;

import com.fasterxml.jackson.core.JsonPointer;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.model.ModelIds;
import io.bedrockstream.model.PromptBodies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything {@link RequestMapper} needs, in plain Java terms so the connect layer can fill it from its
 * config and tests can build it directly. Null optional parameters mean "not set".
 *
 * @param template              JSON text with {@code ${/pointer}} placeholders inside string literals (template mode)
 * @param promptPointer         JSON pointer to the prompt in the value (prompt mode); null: the value is the prompt
 * @param systemPointer         JSON pointer to a per-record system prompt (prompt mode); falls back to systemPrompt
 * @param modelOverrideHeader   header whose value replaces modelId, if listed in allowedModelOverrides
 * @param allowedModelOverrides model ids the header may name; {@code *} allows any
 * @param maxBytes              largest body sent, in bytes
 * @param api                   {@code bedrock.api}: InvokeModel (family-native bodies) or Converse
 * @param serviceTier           {@code bedrock.service.tier}, passed on every call of both APIs; null: not sent
 * @param guardrailStreamProcessingMode Converse's guardrail stream mode ({@code sync}|{@code async}); null: not sent
 * @param cacheSystemPrompt     prompt mode: a cache point after the system prompt (Converse's cachePoint, or
 *                              Anthropic's cache_control on InvokeModel)
 * @param metadata              fixed request metadata sent with every call
 * @param metadataHeaders       request metadata taken from record headers: metadata key → header name
 */
public record RequestMappingSettings(
        RequestMode mode,
        String template,
        String promptPointer,
        String systemPointer,
        String systemPrompt,
        Integer maxTokens,
        Double temperature,
        Double topP,
        List<String> stopSequences,
        IdSource idSource,
        String idHeader,
        String idPointer,
        String modelId,
        String familyOverride,
        String modelOverrideHeader,
        Set<String> allowedModelOverrides,
        long maxBytes,
        String contentType,
        String accept,
        String guardrailIdentifier,
        String guardrailVersion,
        String trace,
        String performanceConfigLatency,
        BedrockApi api,
        String serviceTier,
        String guardrailStreamProcessingMode,
        boolean cacheSystemPrompt,
        Map<String, String> metadata,
        Map<String, String> metadataHeaders) {

    // Config keys named in validation problems and request errors: their one spelling, which the connect
    // layer's ConfigDef defines under the same names.
    public static final String MODE_KEY = "request.mode";
    public static final String TEMPLATE_KEY = "request.template";
    public static final String PROMPT_POINTER_KEY = "request.prompt.pointer";
    public static final String SYSTEM_POINTER_KEY = "request.system.pointer";
    public static final String MAX_TOKENS_KEY = "request.max.tokens";
    public static final String TEMPERATURE_KEY = "request.temperature";
    public static final String TOP_P_KEY = "request.top.p";
    public static final String ID_SOURCE_KEY = "request.id.source";
    public static final String ID_HEADER_KEY = "request.id.header";
    public static final String ID_POINTER_KEY = "request.id.pointer";
    public static final String MODEL_ID_KEY = "bedrock.model.id";
    public static final String MODEL_FAMILY_KEY = ModelIds.FAMILY_CONFIG_KEY;
    public static final String MODEL_OVERRIDE_HEADER_KEY = "request.model.override.header";
    public static final String ALLOWED_MODEL_OVERRIDES_KEY = "request.model.allowed";
    public static final String MAX_BYTES_KEY = "request.max.bytes";
    public static final String GUARDRAIL_IDENTIFIER_KEY = "bedrock.guardrail.identifier";
    public static final String GUARDRAIL_VERSION_KEY = "bedrock.guardrail.version";
    public static final String TRACE_KEY = "bedrock.trace";
    public static final String PERFORMANCE_LATENCY_KEY = "bedrock.performance.latency";
    public static final String API_KEY = "bedrock.api";
    public static final String SERVICE_TIER_KEY = "bedrock.service.tier";
    public static final String GUARDRAIL_STREAM_MODE_KEY = "bedrock.guardrail.stream.processing.mode";
    public static final String CACHE_SYSTEM_PROMPT_KEY = "request.cache.system.prompt";
    public static final String METADATA_KEY = "request.metadata";
    public static final String METADATA_HEADERS_KEY = "request.metadata.headers";
    /** The values of {@code bedrock.service.tier}, as the API spells them. */
    public static final List<String> SERVICE_TIER_VALUES = List.of("default", "priority", "flex", "reserved");
    /** The values of {@code bedrock.guardrail.stream.processing.mode}, as the API spells them. */
    public static final List<String> GUARDRAIL_STREAM_MODE_VALUES = List.of("sync", "async");

    public static final long DEFAULT_MAX_BYTES = 1_000_000L;
    public static final String DEFAULT_CONTENT_TYPE = "application/json";
    public static final String ALLOW_ANY_MODEL = "*";
    /** Bedrock's own limit on a request body. */
    public static final long BEDROCK_MAX_BODY_BYTES = 25_000_000L;

    /** The values of {@code bedrock.trace}, as the InvokeModel API spells them. */
    public static final List<String> TRACE_VALUES = List.of("ENABLED", "DISABLED", "ENABLED_FULL");
    /** The values of {@code bedrock.performance.latency}, as the InvokeModel API spells them. */
    public static final List<String> PERFORMANCE_LATENCY_VALUES = List.of("standard", "optimized");
    /** What {@code bedrock.guardrail.version} accepts: a version number (1-99999999) or DRAFT. */
    public static final String GUARDRAIL_VERSION_REGEX = "[1-9][0-9]{0,7}|DRAFT";

    private static final Pattern GUARDRAIL_VERSION = Pattern.compile(GUARDRAIL_VERSION_REGEX);

    public RequestMappingSettings {
        mode = mode == null ? RequestMode.PASSTHROUGH : mode;
        api = api == null ? BedrockApi.INVOKE : api;
        metadata = metadata == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
        metadataHeaders = metadataHeaders == null
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadataHeaders));
        idSource = idSource == null ? IdSource.KEY : idSource;
        stopSequences = stopSequences == null ? List.of() : List.copyOf(stopSequences);
        allowedModelOverrides = allowedModelOverrides == null ? Set.of() : Set.copyOf(allowedModelOverrides);
        contentType = blankToNull(contentType) == null ? DEFAULT_CONTENT_TYPE : contentType;
        accept = blankToNull(accept) == null ? DEFAULT_CONTENT_TYPE : accept;
    }

    /** Problems of a body template (placeholder syntax, JSON once filled); empty when it is usable. */
    public static List<String> templateProblems(String template) {
        return RequestTemplate.problems(template);
    }

    /** Passthrough mode, key ids, default limits: the usual starting point for tests. */
    public static RequestMappingSettings defaults(String modelId) {
        return builder(modelId).build();
    }

    public static Builder builder(String modelId) {
        return new Builder().modelId(modelId);
    }

    public Builder toBuilder() {
        return new Builder()
                .mode(mode)
                .template(template)
                .promptPointer(promptPointer)
                .systemPointer(systemPointer)
                .systemPrompt(systemPrompt)
                .maxTokens(maxTokens)
                .temperature(temperature)
                .topP(topP)
                .stopSequences(stopSequences)
                .idSource(idSource)
                .idHeader(idHeader)
                .idPointer(idPointer)
                .modelId(modelId)
                .familyOverride(familyOverride)
                .modelOverrideHeader(modelOverrideHeader)
                .allowedModelOverrides(allowedModelOverrides)
                .maxBytes(maxBytes)
                .contentType(contentType)
                .accept(accept)
                .guardrailIdentifier(guardrailIdentifier)
                .guardrailVersion(guardrailVersion)
                .trace(trace)
                .performanceConfigLatency(performanceConfigLatency)
                .api(api)
                .serviceTier(serviceTier)
                .guardrailStreamProcessingMode(guardrailStreamProcessingMode)
                .cacheSystemPrompt(cacheSystemPrompt)
                .metadata(metadata)
                .metadataHeaders(metadataHeaders);
    }

    /**
     * Problems that make these settings unusable, each naming the config key to fix; empty when fine.
     * The connect layer reports them from {@code Connector.validate()} and refuses to start.
     */
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        if (blankToNull(modelId) == null) {
            problems.add(MODEL_ID_KEY + " must be set to a model id, inference-profile id or ARN");
        } else {
            try {
                if (!acceptsAnyModel()) {
                    ModelIds.resolve(modelId, familyOverride);
                }
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (blankToNull(familyOverride) != null
                && ModelFamily.fromConfigName(familyOverride).isEmpty()
                && blankToNull(modelId) == null) {
            problems.add("Unknown model family '" + familyOverride + "' in " + MODEL_FAMILY_KEY + "; valid names: "
                    + ModelIds.validNames());
        }
        if (maxBytes <= 0 || maxBytes > BEDROCK_MAX_BODY_BYTES) {
            problems.add(MAX_BYTES_KEY + " must be between 1 and " + BEDROCK_MAX_BODY_BYTES + " (Bedrock's limit), was "
                    + maxBytes);
        }
        switch (mode) {
            case TEMPLATE -> {
                if (blankToNull(template) == null) {
                    problems.add(TEMPLATE_KEY + " must be set when " + MODE_KEY + "=template");
                } else {
                    problems.addAll(RequestTemplate.problems(template));
                }
            }
            case PROMPT -> {
                checkPointer(problems, PROMPT_POINTER_KEY, promptPointer);
                checkPointer(problems, SYSTEM_POINTER_KEY, systemPointer);
                if (blankToNull(systemPointer) != null && blankToNull(promptPointer) == null) {
                    problems.add(SYSTEM_POINTER_KEY + " needs " + PROMPT_POINTER_KEY
                            + ": without it the whole value is the prompt and has no fields");
                }
                if (maxTokens != null && maxTokens <= 0) {
                    problems.add(MAX_TOKENS_KEY + " must be positive, was " + maxTokens);
                }
                if (temperature != null && temperature < 0) {
                    problems.add(TEMPERATURE_KEY + " must not be negative, was " + temperature);
                }
                if (topP != null && (topP < 0 || topP > 1)) {
                    problems.add(TOP_P_KEY + " must be between 0 and 1, was " + topP);
                }
            }
            case PASSTHROUGH -> {}
        }
        switch (idSource) {
            case HEADER -> {
                if (blankToNull(idHeader) == null) {
                    problems.add(ID_HEADER_KEY + " must name a header when " + ID_SOURCE_KEY + "=header");
                }
            }
            case FIELD -> {
                if (blankToNull(idPointer) == null) {
                    problems.add(
                            ID_POINTER_KEY + " must be a JSON pointer such as /id when " + ID_SOURCE_KEY + "=field");
                } else {
                    checkPointer(problems, ID_POINTER_KEY, idPointer);
                }
            }
            case KEY, OFFSET -> {}
        }
        if (!allowedModelOverrides.isEmpty() && blankToNull(modelOverrideHeader) == null) {
            problems.add(ALLOWED_MODEL_OVERRIDES_KEY + " is set but " + MODEL_OVERRIDE_HEADER_KEY
                    + " is not, so no record can override the model");
        }
        if (blankToNull(guardrailIdentifier) != null && blankToNull(guardrailVersion) == null) {
            problems.add(GUARDRAIL_VERSION_KEY + " must be set when " + GUARDRAIL_IDENTIFIER_KEY
                    + " is (Bedrock rejects an identifier without a version)");
        }
        if (blankToNull(guardrailVersion) != null && blankToNull(guardrailIdentifier) == null) {
            problems.add(GUARDRAIL_IDENTIFIER_KEY + " must be set when " + GUARDRAIL_VERSION_KEY + " is");
        }
        if (blankToNull(guardrailVersion) != null
                && !GUARDRAIL_VERSION.matcher(guardrailVersion).matches()) {
            problems.add(GUARDRAIL_VERSION_KEY + " must be a version number (1, 2, …) or DRAFT, was '"
                    + guardrailVersion + "'");
        }
        if (blankToNull(trace) != null && !TRACE_VALUES.contains(trace)) {
            problems.add(TRACE_KEY + " must be " + oneOf(TRACE_VALUES) + ", was '" + trace + "'");
        }
        if (blankToNull(performanceConfigLatency) != null
                && !PERFORMANCE_LATENCY_VALUES.contains(performanceConfigLatency)) {
            problems.add(PERFORMANCE_LATENCY_KEY + " must be " + oneOf(PERFORMANCE_LATENCY_VALUES) + ", was '"
                    + performanceConfigLatency + "'");
        }
        if (blankToNull(serviceTier) != null && !SERVICE_TIER_VALUES.contains(serviceTier)) {
            problems.add(SERVICE_TIER_KEY + " must be " + oneOf(SERVICE_TIER_VALUES) + ", was '" + serviceTier + "'");
        }
        if (blankToNull(guardrailStreamProcessingMode) != null) {
            if (!GUARDRAIL_STREAM_MODE_VALUES.contains(guardrailStreamProcessingMode)) {
                problems.add(GUARDRAIL_STREAM_MODE_KEY + " must be " + oneOf(GUARDRAIL_STREAM_MODE_VALUES) + ", was '"
                        + guardrailStreamProcessingMode + "'");
            } else if (api != BedrockApi.CONVERSE) {
                problems.add(GUARDRAIL_STREAM_MODE_KEY + " applies to " + API_KEY + "=converse only");
            }
        }
        problems.addAll(RequestMetadata.problems(metadata, metadataHeaders));
        if (cacheSystemPrompt && mode != RequestMode.PROMPT) {
            problems.add(CACHE_SYSTEM_PROMPT_KEY + " applies to " + MODE_KEY + "=prompt only");
        } else if (cacheSystemPrompt && api != BedrockApi.CONVERSE) {
            cachelessFamily()
                    .ifPresent(family -> problems.add(CACHE_SYSTEM_PROMPT_KEY + " on " + API_KEY
                            + "=invoke needs a family with a native prompt-cache point (anthropic), but " + MODEL_ID_KEY
                            + " is the " + family.configName() + " family: use " + API_KEY + "=converse, or turn "
                            + CACHE_SYSTEM_PROMPT_KEY + " off"));
        }
        return problems;
    }

    /** The configured model's family when it has no native cache point; empty when it has one or is unknown. */
    private Optional<ModelFamily> cachelessFamily() {
        try {
            ModelFamily family = ModelIds.resolve(modelId, familyOverride);
            return PromptBodies.hasNativeCachePoint(family) ? Optional.empty() : Optional.of(family);
        } catch (RuntimeException e) {
            return Optional.empty(); // an unknown family is a problem of its own
        }
    }

    /**
     * Converse speaks one format for every model: without {@code bedrock.model.family} any model id (an
     * application-inference-profile ARN, a model newer than this connector) is accepted.
     */
    public boolean acceptsAnyModel() {
        return api == BedrockApi.CONVERSE && blankToNull(familyOverride) == null;
    }

    private static void checkPointer(List<String> problems, String key, String pointer) {
        if (blankToNull(pointer) == null) {
            return;
        }
        try {
            JsonPointer.compile(pointer);
        } catch (IllegalArgumentException e) {
            problems.add(key + " must be a JSON pointer starting with / (such as /question), was '" + pointer + "'");
        }
    }

    /** "a or b", or "one of a, b, c". */
    private static String oneOf(List<String> values) {
        return values.size() == 2 ? values.get(0) + " or " + values.get(1) : "one of " + String.join(", ", values);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Fluent construction; unset fields take the record's defaults. */
    public static final class Builder {
        private RequestMode mode;
        private String template;
        private String promptPointer;
        private String systemPointer;
        private String systemPrompt;
        private Integer maxTokens;
        private Double temperature;
        private Double topP;
        private List<String> stopSequences;
        private IdSource idSource;
        private String idHeader;
        private String idPointer;
        private String modelId;
        private String familyOverride;
        private String modelOverrideHeader;
        private Set<String> allowedModelOverrides;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private String contentType;
        private String accept;
        private String guardrailIdentifier;
        private String guardrailVersion;
        private String trace;
        private String performanceConfigLatency;
        private BedrockApi api;
        private String serviceTier;
        private String guardrailStreamProcessingMode;
        private boolean cacheSystemPrompt;
        private Map<String, String> metadata;
        private Map<String, String> metadataHeaders;

        private Builder() {}

        public Builder mode(RequestMode v) {
            mode = v;
            return this;
        }

        public Builder template(String v) {
            template = v;
            return this;
        }

        public Builder promptPointer(String v) {
            promptPointer = v;
            return this;
        }

        public Builder systemPointer(String v) {
            systemPointer = v;
            return this;
        }

        public Builder systemPrompt(String v) {
            systemPrompt = v;
            return this;
        }

        public Builder maxTokens(Integer v) {
            maxTokens = v;
            return this;
        }

        public Builder temperature(Double v) {
            temperature = v;
            return this;
        }

        public Builder topP(Double v) {
            topP = v;
            return this;
        }

        public Builder stopSequences(List<String> v) {
            stopSequences = v;
            return this;
        }

        public Builder idSource(IdSource v) {
            idSource = v;
            return this;
        }

        public Builder idHeader(String v) {
            idHeader = v;
            return this;
        }

        public Builder idPointer(String v) {
            idPointer = v;
            return this;
        }

        public Builder modelId(String v) {
            modelId = v;
            return this;
        }

        public Builder familyOverride(String v) {
            familyOverride = v;
            return this;
        }

        public Builder modelOverrideHeader(String v) {
            modelOverrideHeader = v;
            return this;
        }

        public Builder allowedModelOverrides(Set<String> v) {
            allowedModelOverrides = v;
            return this;
        }

        public Builder maxBytes(long v) {
            maxBytes = v;
            return this;
        }

        public Builder contentType(String v) {
            contentType = v;
            return this;
        }

        public Builder accept(String v) {
            accept = v;
            return this;
        }

        public Builder guardrailIdentifier(String v) {
            guardrailIdentifier = v;
            return this;
        }

        public Builder guardrailVersion(String v) {
            guardrailVersion = v;
            return this;
        }

        public Builder trace(String v) {
            trace = v;
            return this;
        }

        public Builder performanceConfigLatency(String v) {
            performanceConfigLatency = v;
            return this;
        }

        public Builder api(BedrockApi v) {
            api = v;
            return this;
        }

        public Builder serviceTier(String v) {
            serviceTier = v;
            return this;
        }

        public Builder guardrailStreamProcessingMode(String v) {
            guardrailStreamProcessingMode = v;
            return this;
        }

        public Builder cacheSystemPrompt(boolean v) {
            cacheSystemPrompt = v;
            return this;
        }

        public Builder metadata(Map<String, String> v) {
            metadata = v;
            return this;
        }

        public Builder metadataHeaders(Map<String, String> v) {
            metadataHeaders = v;
            return this;
        }

        public RequestMappingSettings build() {
            return new RequestMappingSettings(
                    mode,
                    template,
                    promptPointer,
                    systemPointer,
                    systemPrompt,
                    maxTokens,
                    temperature,
                    topP,
                    stopSequences,
                    idSource,
                    idHeader,
                    idPointer,
                    modelId,
                    familyOverride,
                    modelOverrideHeader,
                    allowedModelOverrides,
                    maxBytes,
                    contentType,
                    accept,
                    guardrailIdentifier,
                    guardrailVersion,
                    trace,
                    performanceConfigLatency,
                    api,
                    serviceTier,
                    guardrailStreamProcessingMode,
                    cacheSystemPrompt,
                    metadata,
                    metadataHeaders);
        }
    }
}
