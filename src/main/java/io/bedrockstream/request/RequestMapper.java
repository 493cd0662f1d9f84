package io.bedrockstream.request;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.model.ModelIds;
import io.bedrockstream.model.PromptBodies;
import io.bedrockstream.model.PromptSpec;
import io.bedrockstream.request.InvalidRequestException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a request record into a {@link ModelRequest}: its id, the model to call, and the body, in the
 * configured {@link RequestMode}. Everything wrong with a record is an {@link InvalidRequestException};
 * nothing here is retried. Thread-safe.
 */
public final class RequestMapper {

    private static final String VALUE = "record value";
    /** Header values are producer-controlled; keep what goes into logs and DLQ headers short. */
    private static final int MAX_MODEL_ID_SHOWN = 200;

    private final RequestMappingSettings settings;
    private final RequestTemplate template;
    private final JsonPointer promptPointer;
    private final JsonPointer systemPointer;
    private final JsonPointer idPointer;

    /**
     * @throws IllegalArgumentException if the template's placeholders or a pointer cannot be compiled; other
     *                                  setting problems ({@link RequestMappingSettings#validate()}) show up per record
     */
    public RequestMapper(RequestMappingSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.template = settings.mode() == RequestMode.TEMPLATE
                ? RequestTemplate.compile(Objects.requireNonNull(
                        settings.template(),
                        RequestMappingSettings.TEMPLATE_KEY + " must be set when " + RequestMappingSettings.MODE_KEY
                                + "=template"))
                : null;
        this.promptPointer = pointerOrNull(settings.promptPointer(), RequestMappingSettings.PROMPT_POINTER_KEY);
        this.systemPointer = pointerOrNull(settings.systemPointer(), RequestMappingSettings.SYSTEM_POINTER_KEY);
        this.idPointer = pointerOrNull(settings.idPointer(), RequestMappingSettings.ID_POINTER_KEY);
    }

    public RequestMappingSettings settings() {
        return settings;
    }

    /** The request id per {@code request.id.source}; never throws, falls back to {@code <topic>-<partition>-<offset>}. */
    public String requestId(RequestRecord r) {
        String id = null;
        try {
            id = switch (settings.idSource()) {
                case KEY -> keyAsString(r.key());
                case HEADER -> headerAsString(r, settings.idHeader());
                case FIELD -> fieldAsString(r.value());
                case OFFSET -> null;
            };
        } catch (RuntimeException | InvalidRequestException e) {
            // an id is needed even for records that will go to the dead-letter topic
            id = null;
        }
        return id == null || id.isBlank() ? offsetId(r) : id;
    }

    public ModelRequest map(RequestRecord r) throws InvalidRequestException {
        Object value = RequestJson.normalise(r.value());
        if (value == null) {
            throw new InvalidRequestException(
                    Reason.NULL_VALUE, "record value is null (a tombstone); " + "a request record needs a value");
        }
        String modelId = modelId(r);
        boolean converse = settings.api() == BedrockApi.CONVERSE;
        ModelFamily family;
        try {
            family = settings.acceptsAnyModel() ? null : ModelIds.resolve(modelId, settings.familyOverride());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(Reason.MODEL_FAMILY_UNKNOWN, e.getMessage(), e);
        }
        byte[] body = switch (settings.mode()) {
            case PASSTHROUGH -> passthroughBody(value);
            case PROMPT ->
                converse
                        ? ConverseBodies.fromPrompt(promptSpec(value), settings.cacheSystemPrompt())
                        : invokePromptBody(family, promptSpec(value));
            case TEMPLATE -> templateBody(value);
        };
        checkSize(body.length);
        if (converse && settings.mode() != RequestMode.PROMPT) {
            ConverseBodies.check(
                    RequestJson.parse(new String(body, StandardCharsets.UTF_8), VALUE),
                    settings.mode() == RequestMode.TEMPLATE ? "the filled-in template" : VALUE);
        }
        return new ModelRequest(
                requestId(r),
                modelId,
                family,
                body,
                settings.contentType(),
                settings.accept(),
                RequestMappingSettings.blankToNull(settings.guardrailIdentifier()),
                RequestMappingSettings.blankToNull(settings.guardrailVersion()),
                RequestMappingSettings.blankToNull(settings.trace()),
                RequestMappingSettings.blankToNull(settings.performanceConfigLatency()),
                r.topic(),
                r.partition(),
                r.offset(),
                orderingKey(r.key()),
                settings.api(),
                RequestMappingSettings.blankToNull(settings.serviceTier()),
                RequestMappingSettings.blankToNull(settings.guardrailStreamProcessingMode()),
                metadata(r));
    }

    /** A record whose model (request.model.override.header) has no native cache point cannot have one. */
    private byte[] invokePromptBody(ModelFamily family, io.bedrockstream.model.PromptSpec spec)
            throws InvalidRequestException {
        if (settings.cacheSystemPrompt() && !PromptBodies.hasNativeCachePoint(family)) {
            throw new InvalidRequestException(
                    Reason.CACHE_POINT_UNSUPPORTED,
                    RequestMappingSettings.CACHE_SYSTEM_PROMPT_KEY
                            + " is on, but the " + family.configName()
                            + " family has no prompt-cache point the connector "
                            + "can build in an InvokeModel body (only anthropic has one); use bedrock.api=converse");
        }
        return PromptBodies.build(family, spec, settings.cacheSystemPrompt());
    }

    /** The fixed request metadata plus the values of the configured headers the record carries. */
    private Map<String, String> metadata(RequestRecord r) throws InvalidRequestException {
        if (settings.metadataHeaders().isEmpty()) {
            return settings.metadata();
        }
        Map<String, String> out = new java.util.LinkedHashMap<>(settings.metadata());
        for (Map.Entry<String, String> e : settings.metadataHeaders().entrySet()) {
            String value = headerAsString(r, e.getValue());
            if (value == null) {
                continue; // an absent header adds nothing
            }
            if (!RequestMetadata.validValue(value)) {
                throw new InvalidRequestException(
                        Reason.METADATA_INVALID,
                        "header " + e.getValue()
                                + " (request metadata '" + e.getKey() + "', "
                                + RequestMappingSettings.METADATA_HEADERS_KEY
                                + ") holds a value Bedrock refuses: at most 256 letters, digits, spaces or :_@$#=/+,-.");
            }
            out.put(e.getKey(), value);
        }
        return out;
    }

    /**
     * The record key in string form, for {@code request.ordering=key}: equal keys give equal strings. Scalars as
     * text (bytes as UTF-8), structs, maps and lists as JSON (bytes inside as base64); null when there is no key.
     */
    static String orderingKey(Object key) {
        Object k = RequestJson.normalise(key);
        if (k instanceof Map<?, ?> || k instanceof List<?>) {
            try {
                return RequestJson.MAPPER.writeValueAsString(k);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                return String.valueOf(k);
            }
        }
        return keyAsString(k);
    }

    private String modelId(RequestRecord r) throws InvalidRequestException {
        String header = settings.modelOverrideHeader();
        String requested = header == null || header.isBlank() ? null : headerAsString(r, header);
        if (requested == null || requested.isBlank()) {
            return settings.modelId();
        }
        requested = requested.trim();
        // naming the configured model is not an override
        if (requested.equals(settings.modelId())
                || settings.allowedModelOverrides().contains(RequestMappingSettings.ALLOW_ANY_MODEL)
                || settings.allowedModelOverrides().contains(requested)) {
            return requested;
        }
        String shown =
                requested.length() > MAX_MODEL_ID_SHOWN ? requested.substring(0, MAX_MODEL_ID_SHOWN) + "…" : requested;
        throw new InvalidRequestException(
                Reason.MODEL_NOT_ALLOWED,
                "header " + header + " asks for model '"
                        + shown + "', which is not in " + RequestMappingSettings.ALLOWED_MODEL_OVERRIDES_KEY
                        + "; add it there (or *) or drop the header");
    }

    private byte[] passthroughBody(Object value) throws InvalidRequestException {
        if (value instanceof byte[] bytes) {
            checkSize(bytes.length); // before decoding a body that will be refused anyway
            requireContainer(RequestJson.parse(RequestJson.decodeUtf8(bytes, VALUE), VALUE));
            return bytes;
        }
        if (value instanceof String text) {
            requireContainer(RequestJson.parse(text, VALUE));
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            try {
                return RequestJson.MAPPER.writeValueAsBytes(value);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw new InvalidRequestException(
                        Reason.UNSUPPORTED_VALUE_TYPE,
                        VALUE + " holds something that cannot be written as JSON: "
                                + e.getClass().getSimpleName(),
                        e);
            }
        }
        throw RequestJson.unsupported(
                value,
                VALUE,
                "the model's JSON body as bytes, a string or a map/struct " + "in " + RequestMappingSettings.MODE_KEY
                        + "=passthrough");
    }

    private static void requireContainer(JsonNode body) throws InvalidRequestException {
        if (!body.isContainerNode()) {
            throw new InvalidRequestException(
                    Reason.NOT_JSON,
                    VALUE + " is a JSON " + body.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                            + ", but a model body is a JSON object");
        }
    }

    private PromptSpec promptSpec(Object value) throws InvalidRequestException {
        String prompt;
        String system = settings.systemPrompt();
        if (promptPointer == null) {
            if (value instanceof String s) {
                prompt = s;
            } else if (value instanceof byte[] bytes) {
                prompt = RequestJson.decodeUtf8(bytes, VALUE);
            } else {
                throw RequestJson.unsupported(
                        value,
                        VALUE,
                        "the prompt as a string or UTF-8 bytes, or set " + RequestMappingSettings.PROMPT_POINTER_KEY
                                + " to the field holding the prompt");
            }
        } else {
            JsonNode tree = RequestJson.tree(value, VALUE);
            JsonNode node = tree.at(promptPointer);
            if (node.isMissingNode() || node.isNull()) {
                throw new InvalidRequestException(
                        Reason.PROMPT_MISSING,
                        "the record value has no prompt at " + promptPointer + " ("
                                + RequestMappingSettings.PROMPT_POINTER_KEY + ")");
            }
            if (node.isContainerNode()) {
                throw new InvalidRequestException(
                        Reason.PROMPT_MISSING,
                        "the prompt at " + promptPointer + " is a JSON "
                                + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ", not text");
            }
            prompt = node.asText();
            if (systemPointer != null) {
                JsonNode s = tree.at(systemPointer);
                if (s.isValueNode() && !s.isNull() && !s.asText().isBlank()) {
                    system = s.asText();
                }
            }
        }
        if (prompt.isBlank()) {
            throw new InvalidRequestException(
                    Reason.PROMPT_MISSING,
                    "the prompt is empty" + (promptPointer == null ? "" : " at " + promptPointer));
        }
        return new PromptSpec(
                prompt,
                system,
                settings.maxTokens(),
                settings.temperature(),
                settings.topP(),
                settings.stopSequences());
    }

    private byte[] templateBody(Object value) throws InvalidRequestException {
        String body = template.render(RequestJson.tree(value, VALUE));
        try {
            requireContainer(RequestJson.parse(body, "filled-in template"));
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException(
                    Reason.TEMPLATE_INVALID, e.getMessage() + "; fix " + RequestMappingSettings.TEMPLATE_KEY, e);
        }
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private void checkSize(long size) throws InvalidRequestException {
        if (size > settings.maxBytes()) {
            throw new InvalidRequestException(
                    Reason.TOO_LARGE,
                    "request body is " + size + " bytes, over the limit of "
                            + settings.maxBytes() + " bytes; shorten the request or raise "
                            + RequestMappingSettings.MAX_BYTES_KEY);
        }
    }

    private static String keyAsString(Object key) {
        Object k = RequestJson.normalise(key);
        if (k == null) {
            return null;
        }
        return k instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(k);
    }

    private static String headerAsString(RequestRecord r, String name) {
        byte[] bytes = name == null ? null : r.headers().get(name);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private String fieldAsString(Object value) throws InvalidRequestException {
        if (idPointer == null || value == null) {
            return null;
        }
        JsonNode node = RequestJson.tree(value, VALUE).at(idPointer);
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    private static String offsetId(RequestRecord r) {
        return r.source().requestId();
    }

    private static JsonPointer pointerOrNull(String pointer, String key) {
        if (pointer == null || pointer.isBlank()) {
            return null;
        }
        try {
            return JsonPointer.compile(pointer.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    key + " must be a JSON pointer starting with / (such as /question), " + "was '" + pointer + "'", e);
        }
    }
}
