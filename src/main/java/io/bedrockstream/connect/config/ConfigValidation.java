package io.bedrockstream.connect.config;

import static io.bedrockstream.connect.config.BedrockConnectorConfig.*;

import io.bedrockstream.bedrock.CredentialsSettings.Provider;
import io.bedrockstream.model.ConfigNamed;
import io.bedrockstream.request.BedrockApi;
import io.bedrockstream.request.IdSource;
import io.bedrockstream.request.RequestMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

/**
 * Checks that span several keys. Each problem names every key involved, so {@link #attach} can show the
 * message next to each of them in a UI, and a connector can refuse to start with the same messages.
 */
public final class ConfigValidation {
    /** Connect's own sink keys; read from the raw config, owned by the worker. */
    public static final String TOPICS = "topics";

    public static final String TOPICS_REGEX = "topics.regex";

    /** One broken rule: what to fix, and the keys it concerns. */
    public record Problem(String message, List<String> keys) {
        public Problem(String message, String... keys) {
            this(message, List.of(keys));
        }
    }

    private ConfigValidation() {}

    /**
     * @param values parsed values by key (from {@code ConfigDef.validate} or {@code AbstractConfig.values()});
     *               a key whose own validation failed may be null or absent
     * @param raw    the raw connector config, for Connect's own keys ({@code topics}, {@code topics.regex})
     */
    public static List<Problem> check(Map<String, ?> values, Map<String, String> raw) {
        List<Problem> problems = new ArrayList<>();
        checkRequestMapping(values, problems);
        checkOutputTopics(values, raw, problems);
        checkModel(values, problems);
        checkCredentials(values, problems);
        checkRetry(values, problems);
        return problems;
    }

    /**
     * The source connector's checks: the shared ones, with the request topics in {@code source.topics} instead
     * of Connect's {@code topics}, plus its dead-letter topic.
     */
    public static List<Problem> checkSource(Map<String, ?> values) {
        List<Problem> problems = new ArrayList<>();
        checkRequestMapping(values, problems);
        checkSourceTopics(values, problems);
        checkModel(values, problems);
        checkCredentials(values, problems);
        checkRetry(values, problems);
        return problems;
    }

    private static void checkSourceTopics(Map<String, ?> v, List<Problem> out) {
        String sourceTopics = BedrockSourceConfig.SOURCE_TOPICS;
        String regexKey = BedrockSourceConfig.SOURCE_TOPICS_REGEX;
        List<String> inputs = new ArrayList<>();
        if (v.get(sourceTopics) instanceof List<?> l) {
            l.forEach(t -> {
                if (!String.valueOf(t).trim().isEmpty()) {
                    inputs.add(String.valueOf(t).trim());
                }
            });
        }
        String regex = text(v, regexKey);
        if (inputs.isEmpty() == regex.isEmpty()) {
            out.add(new Problem(
                    inputs.isEmpty()
                            ? "Set " + sourceTopics + " (a list of request topics) or " + regexKey + " (a pattern)."
                            : "Set " + sourceTopics + " or " + regexKey + ", not both.",
                    sourceTopics,
                    regexKey));
        }
        String dlq = BedrockSourceConfig.SOURCE_DLQ_TOPIC;
        for (String key : List.of(OUTPUT_TOPIC, COMPLETIONS_TOPIC, dlq)) {
            String topic = text(v, key);
            if (!topic.isEmpty() && inputs.contains(topic)) {
                out.add(new Problem(
                        key + " '" + topic + "' is also a request topic in " + sourceTopics
                                + ": the connector would read its own output. Choose a different " + key + ".",
                        key,
                        sourceTopics));
            }
        }
        String output = text(v, OUTPUT_TOPIC);
        String completions = text(v, COMPLETIONS_TOPIC);
        if (!completions.isEmpty() && completions.equals(output)) {
            out.add(new Problem(
                    COMPLETIONS_TOPIC + " must differ from " + OUTPUT_TOPIC
                            + ": set another topic, or leave it empty to turn completions off.",
                    COMPLETIONS_TOPIC,
                    OUTPUT_TOPIC));
        }
        String dead = text(v, dlq);
        for (String key : List.of(OUTPUT_TOPIC, COMPLETIONS_TOPIC)) {
            if (!dead.isEmpty() && dead.equals(text(v, key))) {
                out.add(new Problem(
                        dlq + " must differ from " + key + ": dead letters would mix with output.", dlq, key));
            }
        }
    }

    /** Runs {@link #checkSource} on a {@code validate()} result and adds each message to every key involved. */
    public static Config attachSource(Config config) {
        return attach(config, Map.of(), ConfigValidation::checkSourceProblems);
    }

    private static List<Problem> checkSourceProblems(Map<String, ?> values, Map<String, String> raw) {
        return checkSource(values);
    }

    /** Runs {@link #check} on a {@code validate()} result and adds each message to every key involved. */
    public static Config attach(Config config, Map<String, String> raw) {
        return attach(config, raw, ConfigValidation::check);
    }

    private static Config attach(
            Config config,
            Map<String, String> raw,
            java.util.function.BiFunction<Map<String, ?>, Map<String, String>, List<Problem>> checks) {
        Map<String, ConfigValue> byName = new LinkedHashMap<>();
        for (ConfigValue v : config.configValues()) {
            byName.put(v.name(), v);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        byName.forEach((k, v) -> values.put(k, v.value()));
        List<ConfigValue> result = new ArrayList<>(config.configValues());
        for (Problem p : checks.apply(values, raw)) {
            for (String key : p.keys()) {
                ConfigValue v = byName.get(key);
                if (v == null) {
                    // A worker-owned key such as topics: report it under its own name so the UI shows it there.
                    // The worker renders the value by the key's type, so it must be parsed, not raw.
                    v = new ConfigValue(key, workerValue(key, raw.get(key)), List.of(), new ArrayList<>());
                    byName.put(key, v);
                    result.add(v);
                }
                v.addErrorMessage(p.message());
            }
        }
        return new Config(result);
    }

    private static Object workerValue(String key, String raw) {
        if (raw == null) {
            return null;
        }
        ConfigDef.Type type = TOPICS.equals(key) ? ConfigDef.Type.LIST : ConfigDef.Type.STRING;
        return ConfigDef.parseType(key, raw, type);
    }

    private static void checkRequestMapping(Map<String, ?> v, List<Problem> out) {
        if (is(v, REQUEST_MODE, RequestMode.TEMPLATE) && blank(v, REQUEST_TEMPLATE)) {
            out.add(new Problem(
                    REQUEST_MODE + "=template needs a body template: set " + REQUEST_TEMPLATE + ", or use "
                            + REQUEST_MODE + "=passthrough or prompt.",
                    REQUEST_MODE,
                    REQUEST_TEMPLATE));
        } else if (is(v, REQUEST_MODE, RequestMode.TEMPLATE)) {
            for (String problem :
                    io.bedrockstream.request.RequestMappingSettings.templateProblems(text(v, REQUEST_TEMPLATE))) {
                out.add(new Problem(problem, REQUEST_TEMPLATE));
            }
        }
        if (is(v, REQUEST_ID_SOURCE, IdSource.HEADER) && blank(v, REQUEST_ID_HEADER)) {
            out.add(new Problem(
                    REQUEST_ID_SOURCE + "=header needs the header's name: set " + REQUEST_ID_HEADER + ".",
                    REQUEST_ID_SOURCE,
                    REQUEST_ID_HEADER));
        }
        if (is(v, REQUEST_ID_SOURCE, IdSource.FIELD) && blank(v, REQUEST_ID_POINTER)) {
            out.add(new Problem(
                    REQUEST_ID_SOURCE + "=field needs the field's JSON pointer: set " + REQUEST_ID_POINTER
                            + " (e.g. /id).",
                    REQUEST_ID_SOURCE,
                    REQUEST_ID_POINTER));
        }
    }

    private static void checkOutputTopics(Map<String, ?> v, Map<String, String> raw, List<Problem> out) {
        String output = text(v, OUTPUT_TOPIC);
        String completions = text(v, COMPLETIONS_TOPIC);
        for (String key : List.of(OUTPUT_TOPIC, COMPLETIONS_TOPIC)) {
            String topic = text(v, key);
            if (topic.isEmpty()) {
                continue;
            }
            if (inputTopics(raw).contains(topic)) {
                out.add(new Problem(
                        key + " '" + topic + "' is also an input topic in " + TOPICS
                                + ": the connector would read its own output. Choose a different " + key + ".",
                        key,
                        TOPICS));
            } else if (matchesRegex(raw, topic)) {
                out.add(new Problem(
                        key + " '" + topic + "' matches " + TOPICS_REGEX
                                + ": the connector would read its own output. Choose a different " + key + " or narrow "
                                + TOPICS_REGEX + ".",
                        key,
                        TOPICS_REGEX));
            }
        }
        if (!completions.isEmpty() && completions.equals(output)) {
            out.add(new Problem(
                    COMPLETIONS_TOPIC + " must differ from " + OUTPUT_TOPIC
                            + ": set another topic, or leave it empty to turn completions off.",
                    COMPLETIONS_TOPIC,
                    OUTPUT_TOPIC));
        }
    }

    private static void checkModel(Map<String, ?> v, List<Problem> out) {
        String modelId = text(v, MODEL_ID);
        boolean converse = is(v, API, BedrockApi.CONVERSE);
        if (converse) {
            // one format for every model: no family to tell
        } else if (blank(v, MODEL_FAMILY) && OPAQUE_MODEL_ARN_PARTS.stream().anyMatch(modelId::contains)) {
            out.add(new Problem(
                    MODEL_ID + " is the ARN of a provisioned, imported or custom model or an application "
                            + "inference profile, whose family cannot be told from the id: set " + MODEL_FAMILY + ".",
                    MODEL_ID,
                    MODEL_FAMILY));
        } else if (blank(v, MODEL_FAMILY)
                && !modelId.isEmpty()
                && io.bedrockstream.model.ModelIds.detect(modelId).isEmpty()) {
            out.add(new Problem(
                    MODEL_ID + " '" + modelId + "' does not name a model family this connector knows; "
                            + "check the id, or set " + MODEL_FAMILY + " (one of "
                            + io.bedrockstream.model.ModelIds.validNames()
                            + ").",
                    MODEL_ID,
                    MODEL_FAMILY));
        }
        Object allowed = v.get(MODEL_ALLOWED);
        boolean noneAllowed = allowed == null
                || allowed instanceof List<?> l
                        && l.stream()
                                .allMatch(x -> x == null || x.toString().trim().isEmpty());
        if (!blank(v, MODEL_OVERRIDE_HEADER) && noneAllowed) {
            out.add(new Problem(
                    MODEL_OVERRIDE_HEADER + " is set but " + MODEL_ALLOWED + " is empty, so every record "
                            + "naming a model would be dead-lettered: list the model ids records may ask for in "
                            + MODEL_ALLOWED + " ('*' for any), or clear " + MODEL_OVERRIDE_HEADER + ".",
                    MODEL_OVERRIDE_HEADER,
                    MODEL_ALLOWED));
        }
        if (!converse && !blank(v, GUARDRAIL_STREAM_MODE)) {
            out.add(new Problem(
                    GUARDRAIL_STREAM_MODE + " applies to ConverseStream only: set " + API + "=converse, or clear "
                            + GUARDRAIL_STREAM_MODE + ".",
                    GUARDRAIL_STREAM_MODE,
                    API));
        }
        int metadataKeys = entries(v.get(REQUEST_METADATA)) + entries(v.get(REQUEST_METADATA_HEADERS));
        if (metadataKeys > io.bedrockstream.request.RequestMetadata.MAX_PAIRS) {
            out.add(new Problem(
                    REQUEST_METADATA + " and " + REQUEST_METADATA_HEADERS + " name " + metadataKeys
                            + " keys; Bedrock takes at most " + io.bedrockstream.request.RequestMetadata.MAX_PAIRS
                            + ".",
                    REQUEST_METADATA,
                    REQUEST_METADATA_HEADERS));
        }
        Object cache = v.get(CACHE_SYSTEM_PROMPT);
        boolean caching = Boolean.TRUE.equals(cache) || "true".equalsIgnoreCase(String.valueOf(cache));
        if (caching && !is(v, REQUEST_MODE, RequestMode.PROMPT)) {
            out.add(new Problem(
                    CACHE_SYSTEM_PROMPT + " needs " + REQUEST_MODE + "=prompt (the connector builds the "
                            + "system prompt only then).",
                    CACHE_SYSTEM_PROMPT,
                    REQUEST_MODE));
        } else if (caching && !converse) {
            Optional<io.bedrockstream.model.ModelFamily> family = configuredFamily(v);
            if (family.isPresent() && !io.bedrockstream.model.PromptBodies.hasNativeCachePoint(family.get())) {
                out.add(new Problem(
                        CACHE_SYSTEM_PROMPT + " on " + API + "=invoke puts Anthropic's cache_control on "
                                + "the system prompt, but " + (blank(v, MODEL_FAMILY) ? MODEL_ID : MODEL_FAMILY)
                                + " is the "
                                + family.get().configName() + " family, which has no native cache point the connector "
                                + "builds: set " + API
                                + "=converse (a cachePoint for every model that caches), or turn "
                                + CACHE_SYSTEM_PROMPT + " off.",
                        CACHE_SYSTEM_PROMPT,
                        API,
                        MODEL_ID,
                        MODEL_FAMILY));
            }
        }
        boolean id = !blank(v, GUARDRAIL_IDENTIFIER);
        boolean version = !blank(v, GUARDRAIL_VERSION);
        if (id != version) {
            out.add(new Problem(
                    "A guardrail needs both " + GUARDRAIL_IDENTIFIER + " and " + GUARDRAIL_VERSION + ": set "
                            + (id ? GUARDRAIL_VERSION : GUARDRAIL_IDENTIFIER) + ", or clear both.",
                    GUARDRAIL_IDENTIFIER,
                    GUARDRAIL_VERSION));
        }
    }

    private static void checkCredentials(Map<String, ?> v, List<Problem> out) {
        boolean access = !blank(v, ACCESS_KEY_ID);
        boolean secret = !blank(v, SECRET_ACCESS_KEY);
        boolean token = !blank(v, SESSION_TOKEN);
        if (is(v, CREDENTIALS_PROVIDER, Provider.STATIC) && !(access && secret)) {
            String missing = !access && !secret
                    ? ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY
                    : access ? SECRET_ACCESS_KEY : ACCESS_KEY_ID;
            out.add(new Problem(
                    CREDENTIALS_PROVIDER + "=static needs both an access key id and a secret access key: " + "set "
                            + missing + ".",
                    CREDENTIALS_PROVIDER,
                    ACCESS_KEY_ID,
                    SECRET_ACCESS_KEY));
        }
        if (!blank(v, CREDENTIALS_PROVIDER)
                && !is(v, CREDENTIALS_PROVIDER, Provider.STATIC)
                && (access || secret || token)) {
            List<String> keys = new ArrayList<>(List.of(CREDENTIALS_PROVIDER));
            if (access) {
                keys.add(ACCESS_KEY_ID);
            }
            if (secret) {
                keys.add(SECRET_ACCESS_KEY);
            }
            if (token) {
                keys.add(SESSION_TOKEN);
            }
            out.add(new Problem(
                    "Static keys are set but " + CREDENTIALS_PROVIDER + " is '" + text(v, CREDENTIALS_PROVIDER)
                            + "', so they would be ignored: set " + CREDENTIALS_PROVIDER + "=static, or remove "
                            + String.join(", ", keys.subList(1, keys.size())) + ".",
                    keys));
        }
        boolean apiKeySet = !blank(v, API_KEY);
        if (is(v, CREDENTIALS_PROVIDER, Provider.API_KEY) && !apiKeySet) {
            out.add(new Problem(
                    CREDENTIALS_PROVIDER + "=api-key needs a Bedrock API key: set " + API_KEY
                            + " (ideally through a config provider, e.g. ${file:/etc/kafka/bedrock.properties:api.key}).",
                    CREDENTIALS_PROVIDER,
                    API_KEY));
        }
        if (!blank(v, CREDENTIALS_PROVIDER) && !is(v, CREDENTIALS_PROVIDER, Provider.API_KEY) && apiKeySet) {
            out.add(new Problem(
                    API_KEY + " is set but " + CREDENTIALS_PROVIDER + " is '" + text(v, CREDENTIALS_PROVIDER)
                            + "', so it would be ignored: set " + CREDENTIALS_PROVIDER + "=api-key, or remove "
                            + API_KEY + ".",
                    CREDENTIALS_PROVIDER,
                    API_KEY));
        }
        if (is(v, CREDENTIALS_PROVIDER, Provider.ASSUME_ROLE) && blank(v, ROLE_ARN)) {
            out.add(new Problem(
                    CREDENTIALS_PROVIDER + "=assume-role needs the role to assume: set " + ROLE_ARN
                            + " (arn:aws:iam::<account>:role/<name>).",
                    CREDENTIALS_PROVIDER,
                    ROLE_ARN));
        }
    }

    /** The family bedrock.model.family names, else the one bedrock.model.id shows; empty when neither tells. */
    private static Optional<io.bedrockstream.model.ModelFamily> configuredFamily(Map<String, ?> v) {
        try {
            return Optional.of(io.bedrockstream.model.ModelIds.resolve(text(v, MODEL_ID), text(v, MODEL_FAMILY)));
        } catch (RuntimeException e) {
            return Optional.empty(); // reported by checkModel
        }
    }

    private static void checkRetry(Map<String, ?> v, List<Problem> out) {
        Object base = v.get(RETRY_BACKOFF_MS);
        Object max = v.get(RETRY_BACKOFF_MAX_MS);
        if (base instanceof Number b && max instanceof Number m && b.longValue() > m.longValue()) {
            out.add(new Problem(
                    RETRY_BACKOFF_MS + " (" + b + ") is greater than " + RETRY_BACKOFF_MAX_MS + " (" + m + "): lower "
                            + RETRY_BACKOFF_MS + " or raise " + RETRY_BACKOFF_MAX_MS + ".",
                    RETRY_BACKOFF_MS,
                    RETRY_BACKOFF_MAX_MS));
        }
    }

    private static List<String> inputTopics(Map<String, String> raw) {
        String topics = raw.get(TOPICS);
        if (topics == null) {
            return List.of();
        }
        return List.of(topics.split(",")).stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static boolean matchesRegex(Map<String, String> raw, String topic) {
        String regex = raw.get(TOPICS_REGEX);
        if (regex == null || regex.trim().isEmpty()) {
            return false;
        }
        try {
            return Pattern.compile(regex.trim()).matcher(topic).matches();
        } catch (PatternSyntaxException e) {
            return false; // the worker reports the bad regex itself
        }
    }

    private static int entries(Object list) {
        return list instanceof List<?> l
                ? (int) l.stream()
                        .filter(x -> x != null && !x.toString().isBlank())
                        .count()
                : 0;
    }

    private static boolean is(Map<String, ?> v, String key, ConfigNamed expected) {
        return text(v, key).equalsIgnoreCase(expected.configName());
    }

    private static boolean blank(Map<String, ?> v, String key) {
        return text(v, key).isEmpty();
    }

    private static String text(Map<String, ?> v, String key) {
        Object o = v.get(key);
        if (o instanceof Password p) {
            o = p.value();
        }
        return o == null ? "" : o.toString().trim();
    }
}
