package io.bedrockstream.connect.config;

import io.bedrockstream.bedrock.BedrockClientSettings;
import io.bedrockstream.bedrock.BedrockClientSettings.HttpProtocol;
import io.bedrockstream.bedrock.CredentialsSettings;
import io.bedrockstream.connect.config.Choice.RequestOrdering;
import io.bedrockstream.connect.config.Choice.SetupErrorAction;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.request.BedrockApi;
import io.bedrockstream.request.IdSource;
import io.bedrockstream.request.RequestMappingSettings;
import io.bedrockstream.request.RequestMode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.storage.Converter;

/**
 * Configuration shared by the sink and source connectors: Bedrock connection, credentials, model,
 * request mapping, output, flow control and errors. Every key is documented here once; {@code ConfigDocs}
 * generates the reference from it. Read values through the typed accessors, not {@code getString(..)}.
 */
public class BedrockConnectorConfig extends AbstractConfig {

    public static final String GROUP_CONNECTION = "Bedrock connection";
    public static final String GROUP_CREDENTIALS = "Credentials";
    public static final String GROUP_MODEL = "Model";
    public static final String GROUP_REQUEST = "Request mapping";
    public static final String GROUP_OUTPUT = "Output";
    public static final String GROUP_FLOW = "Flow control & retry";
    public static final String GROUP_ERRORS = "Errors";

    // Each key is spelled once: a key the layers below name in their errors (RequestMappingSettings,
    // BedrockClientSettings, CredentialsSettings) is spelled there and named here by the same constant.
    // Bedrock connection
    public static final String REGION = BedrockClientSettings.REGION_KEY;
    public static final String ENDPOINT_OVERRIDE = "bedrock.endpoint.override";
    public static final String HTTP_PROTOCOL = "bedrock.http.protocol";
    public static final String CONNECT_TIMEOUT_MS = "bedrock.connect.timeout.ms";
    // Credentials
    public static final String CREDENTIALS_PROVIDER = CredentialsSettings.PROVIDER_KEY;
    public static final String ACCESS_KEY_ID = CredentialsSettings.ACCESS_KEY_ID_KEY;
    public static final String SECRET_ACCESS_KEY = CredentialsSettings.SECRET_ACCESS_KEY_KEY;
    public static final String SESSION_TOKEN = CredentialsSettings.SESSION_TOKEN_KEY;
    public static final String PROFILE_NAME = CredentialsSettings.PROFILE_NAME_KEY;
    public static final String ROLE_ARN = CredentialsSettings.ROLE_ARN_KEY;
    public static final String ROLE_EXTERNAL_ID = CredentialsSettings.ROLE_EXTERNAL_ID_KEY;
    public static final String ROLE_SESSION_NAME = CredentialsSettings.ROLE_SESSION_NAME_KEY;
    public static final String STS_ENDPOINT_OVERRIDE = CredentialsSettings.STS_ENDPOINT_OVERRIDE_KEY;
    public static final String API_KEY = CredentialsSettings.API_KEY_KEY;
    // Model
    public static final String MODEL_ID = RequestMappingSettings.MODEL_ID_KEY;
    public static final String MODEL_FAMILY = RequestMappingSettings.MODEL_FAMILY_KEY;
    public static final String MODEL_OVERRIDE_HEADER = RequestMappingSettings.MODEL_OVERRIDE_HEADER_KEY;
    public static final String MODEL_ALLOWED = RequestMappingSettings.ALLOWED_MODEL_OVERRIDES_KEY;
    public static final String GUARDRAIL_IDENTIFIER = RequestMappingSettings.GUARDRAIL_IDENTIFIER_KEY;
    public static final String GUARDRAIL_VERSION = RequestMappingSettings.GUARDRAIL_VERSION_KEY;
    public static final String TRACE = RequestMappingSettings.TRACE_KEY;
    public static final String PERFORMANCE_LATENCY = RequestMappingSettings.PERFORMANCE_LATENCY_KEY;
    public static final String API = RequestMappingSettings.API_KEY;
    public static final String SERVICE_TIER = RequestMappingSettings.SERVICE_TIER_KEY;
    public static final String GUARDRAIL_STREAM_MODE = RequestMappingSettings.GUARDRAIL_STREAM_MODE_KEY;
    public static final String CACHE_SYSTEM_PROMPT = RequestMappingSettings.CACHE_SYSTEM_PROMPT_KEY;
    public static final String REQUEST_METADATA = RequestMappingSettings.METADATA_KEY;
    public static final String REQUEST_METADATA_HEADERS = RequestMappingSettings.METADATA_HEADERS_KEY;
    // Request mapping
    public static final String REQUEST_MODE = RequestMappingSettings.MODE_KEY;
    public static final String REQUEST_TEMPLATE = RequestMappingSettings.TEMPLATE_KEY;
    public static final String PROMPT_POINTER = RequestMappingSettings.PROMPT_POINTER_KEY;
    public static final String SYSTEM_POINTER = RequestMappingSettings.SYSTEM_POINTER_KEY;
    public static final String SYSTEM_PROMPT = "request.system.prompt";
    public static final String MAX_TOKENS = RequestMappingSettings.MAX_TOKENS_KEY;
    public static final String TEMPERATURE = RequestMappingSettings.TEMPERATURE_KEY;
    public static final String TOP_P = RequestMappingSettings.TOP_P_KEY;
    public static final String STOP_SEQUENCES = "request.stop.sequences";
    public static final String REQUEST_ID_SOURCE = RequestMappingSettings.ID_SOURCE_KEY;
    public static final String REQUEST_ID_HEADER = RequestMappingSettings.ID_HEADER_KEY;
    public static final String REQUEST_ID_POINTER = RequestMappingSettings.ID_POINTER_KEY;
    public static final String REQUEST_MAX_BYTES = RequestMappingSettings.MAX_BYTES_KEY;
    public static final String REQUEST_CONTENT_TYPE = "request.content.type";
    public static final String REQUEST_ACCEPT = "request.accept";
    // Output
    public static final String OUTPUT_TOPIC = "output.topic";
    public static final String COMPLETIONS_TOPIC = "output.completions.topic";
    public static final String OUTPUT_CHUNK_RAW = "output.chunk.raw";
    public static final String OUTPUT_CHUNK_CONTEXT = "output.chunk.context";
    public static final String OUTPUT_CHUNK_COALESCE_MS = "output.chunk.coalesce.ms";
    public static final String OUTPUT_CHUNK_COALESCE_MAX_CHARS = "output.chunk.coalesce.max.chars";
    public static final String OUTPUT_KEY_CONVERTER = "output.key.converter";
    public static final String OUTPUT_VALUE_CONVERTER = "output.value.converter";
    public static final String OUTPUT_KEY_CONVERTER_PREFIX = OUTPUT_KEY_CONVERTER + ".";
    public static final String OUTPUT_VALUE_CONVERTER_PREFIX = OUTPUT_VALUE_CONVERTER + ".";
    /** The default key converter (and the source's request converters): Connect's StringConverter. */
    static final String STRING_CONVERTER = "org.apache.kafka.connect.storage.StringConverter";
    // Flow control & retry
    public static final String MAX_IN_FLIGHT = "max.in.flight.requests";
    public static final String RETRY_MAX_ATTEMPTS = "retry.max.attempts";
    public static final String RETRY_THROTTLING_MAX_ATTEMPTS = "retry.throttling.max.attempts";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    public static final String RETRY_DEADLINE_MS = "retry.deadline.ms";
    public static final String RETRY_TRANSIENT_ERRORS = "retry.transient.errors";
    public static final String INVOCATION_TIMEOUT_MS = BedrockClientSettings.INVOCATION_TIMEOUT_KEY;
    public static final String STREAM_IDLE_TIMEOUT_MS = BedrockClientSettings.STREAM_IDLE_TIMEOUT_KEY;
    public static final String REQUEST_ORDERING = "request.ordering";
    public static final String RATE_REQUESTS_PER_MINUTE = "rate.requests.per.minute";
    public static final String RATE_TOKENS_PER_MINUTE = "rate.tokens.per.minute";
    public static final String RATE_TOKENS_OUTPUT_WEIGHTS = "rate.tokens.output.weights";
    public static final String RATE_TOKENS_DEFAULT_MAX_TOKENS = "rate.tokens.default.max.tokens";
    public static final String RATE_TOKENS_LEARN = "rate.tokens.learn";
    public static final String ADAPTIVE_CONCURRENCY = "adaptive.concurrency.enabled";
    // Errors
    public static final String SETUP_ERROR_ACTION = "setup.error.action";
    /** Connect's own key, owned by the worker: read from the originals, never redefined here. */
    public static final String ERRORS_TOLERANCE = "errors.tolerance";

    /**
     * Set by a connector in each task config: the task's index, 0-based. Not a user setting: only the task
     * configs ({@link BedrockSinkTaskConfig}, {@link BedrockSourceTaskConfig}) define it.
     */
    public static final String TASK_INDEX = "task.index";

    /** Model ids of this shape name a model whose family cannot be told from the id. */
    public static final List<String> OPAQUE_MODEL_ARN_PARTS =
            List.of(":provisioned-model/", ":imported-model/", ":custom-model/", ":application-inference-profile/");

    public BedrockConnectorConfig(Map<?, ?> props) {
        this(configDef(), props);
    }

    protected BedrockConnectorConfig(ConfigDef def, Map<?, ?> props) {
        super(def, props, false);
    }

    /** Every shared key, grouped and documented; see {@link CommonConfigDef}. */
    public static ConfigDef configDef() {
        return CommonConfigDef.build();
    }

    /**
     * A task config def: the connector's keys plus {@code task.index}, which the connector sets in each task
     * config (as MirrorMaker's task configs extend their connector's def).
     */
    protected static ConfigDef withTaskIndex(ConfigDef connectorDef) {
        return new ConfigDef(connectorDef)
                .define(
                        TASK_INDEX,
                        ConfigDef.Type.INT,
                        0,
                        ConfigDef.Importance.LOW,
                        "The task's index, 0-based, set by the connector in each task config. Not a user setting.");
    }

    /** The shared keys without output.key/value.converter, for a connector whose worker serialises the output. */
    protected static ConfigDef configDefWithoutOutputConverters() {
        return CommonConfigDef.build(false);
    }

    // ---- Bedrock connection

    public String region() {
        return getString(REGION).trim();
    }

    public Optional<URI> endpointOverride() {
        return nonEmpty(getString(ENDPOINT_OVERRIDE)).map(URI::create);
    }

    public HttpProtocol httpProtocol() {
        return Choice.parse(HttpProtocol.class, getString(HTTP_PROTOCOL));
    }

    public Duration connectTimeout() {
        return Duration.ofMillis(getInt(CONNECT_TIMEOUT_MS));
    }

    // ---- Credentials

    public CredentialsSettings.Provider credentialsProvider() {
        return Choice.parse(CredentialsSettings.Provider.class, getString(CREDENTIALS_PROVIDER));
    }

    public Optional<Password> accessKeyId() {
        return password(ACCESS_KEY_ID);
    }

    public Optional<Password> secretAccessKey() {
        return password(SECRET_ACCESS_KEY);
    }

    public Optional<Password> sessionToken() {
        return password(SESSION_TOKEN);
    }

    public Optional<String> profileName() {
        return nonEmpty(getString(PROFILE_NAME));
    }

    public Optional<String> roleArn() {
        return nonEmpty(getString(ROLE_ARN));
    }

    public Optional<Password> roleExternalId() {
        return password(ROLE_EXTERNAL_ID);
    }

    public String roleSessionName() {
        return nonEmpty(getString(ROLE_SESSION_NAME)).orElse(CredentialsSettings.DEFAULT_ROLE_SESSION_NAME);
    }

    /** The Bedrock API key {@code api-key} sends as its bearer token. */
    public Optional<Password> apiKey() {
        return password(API_KEY);
    }

    public Optional<URI> stsEndpointOverride() {
        return nonEmpty(getString(STS_ENDPOINT_OVERRIDE)).map(URI::create);
    }

    // ---- Model

    public String modelId() {
        return getString(MODEL_ID).trim();
    }

    /** The configured family; empty means detect it from the model id. */
    public Optional<ModelFamily> modelFamily() {
        return nonEmpty(getString(MODEL_FAMILY)).flatMap(ModelFamily::fromConfigName);
    }

    public Optional<String> modelOverrideHeader() {
        return nonEmpty(getString(MODEL_OVERRIDE_HEADER));
    }

    public List<String> allowedModels() {
        return getList(MODEL_ALLOWED).stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** Whether a record may override the model with this id ({@code request.model.allowed}). */
    public boolean modelOverrideAllowed(String modelId) {
        List<String> allowed = allowedModels();
        return modelId != null
                && (allowed.contains(RequestMappingSettings.ALLOW_ANY_MODEL) || allowed.contains(modelId.trim()));
    }

    public Optional<String> guardrailIdentifier() {
        return nonEmpty(getString(GUARDRAIL_IDENTIFIER));
    }

    public Optional<String> guardrailVersion() {
        return nonEmpty(getString(GUARDRAIL_VERSION));
    }

    /** ENABLED, DISABLED or ENABLED_FULL, as the API spells it. */
    public Optional<String> trace() {
        return nonEmpty(getString(TRACE)).map(s -> s.toUpperCase(Locale.ROOT));
    }

    /** standard or optimized, as the API spells it. */
    public Optional<String> performanceLatency() {
        return nonEmpty(getString(PERFORMANCE_LATENCY)).map(s -> s.toLowerCase(Locale.ROOT));
    }

    /** invoke or converse. */
    public BedrockApi api() {
        return Choice.parse(BedrockApi.class, getString(API));
    }

    /** default, priority, flex or reserved; empty when not sent. */
    public Optional<String> serviceTier() {
        return nonEmpty(getString(SERVICE_TIER)).map(s -> s.toLowerCase(Locale.ROOT));
    }

    /** sync or async; empty when not sent. */
    public Optional<String> guardrailStreamMode() {
        return nonEmpty(getString(GUARDRAIL_STREAM_MODE)).map(s -> s.toLowerCase(Locale.ROOT));
    }

    public List<String> requestMetadata() {
        return List.copyOf(getList(REQUEST_METADATA));
    }

    public List<String> requestMetadataHeaders() {
        return List.copyOf(getList(REQUEST_METADATA_HEADERS));
    }

    public boolean cacheSystemPrompt() {
        return getBoolean(CACHE_SYSTEM_PROMPT);
    }

    // ---- Request mapping

    public RequestMode requestMode() {
        return Choice.parse(RequestMode.class, getString(REQUEST_MODE));
    }

    public Optional<String> requestTemplate() {
        return nonEmpty(getString(REQUEST_TEMPLATE));
    }

    /** Empty means the whole value is the prompt. */
    public String promptPointer() {
        return getString(PROMPT_POINTER);
    }

    public Optional<String> systemPointer() {
        return nonEmpty(getString(SYSTEM_POINTER));
    }

    public Optional<String> systemPrompt() {
        return nonEmpty(getString(SYSTEM_PROMPT));
    }

    public int maxTokens() {
        return getInt(MAX_TOKENS);
    }

    public Optional<Double> temperature() {
        return Optional.ofNullable(getDouble(TEMPERATURE));
    }

    public Optional<Double> topP() {
        return Optional.ofNullable(getDouble(TOP_P));
    }

    public List<String> stopSequences() {
        return List.copyOf(getList(STOP_SEQUENCES));
    }

    public IdSource requestIdSource() {
        return Choice.parse(IdSource.class, getString(REQUEST_ID_SOURCE));
    }

    public Optional<String> requestIdHeader() {
        return nonEmpty(getString(REQUEST_ID_HEADER));
    }

    public Optional<String> requestIdPointer() {
        return nonEmpty(getString(REQUEST_ID_POINTER));
    }

    public int requestMaxBytes() {
        return getInt(REQUEST_MAX_BYTES);
    }

    public String requestContentType() {
        return getString(REQUEST_CONTENT_TYPE).trim();
    }

    public String requestAccept() {
        return getString(REQUEST_ACCEPT).trim();
    }

    // ---- Output

    public String outputTopic() {
        return getString(OUTPUT_TOPIC).trim();
    }

    public Optional<String> completionsTopic() {
        return nonEmpty(getString(COMPLETIONS_TOPIC));
    }

    public boolean outputChunkRaw() {
        return getBoolean(OUTPUT_CHUNK_RAW);
    }

    public boolean outputChunkContext() {
        return getBoolean(OUTPUT_CHUNK_CONTEXT);
    }

    /** 0 = off: one record per chunk. */
    public long outputChunkCoalesceMs() {
        return getLong(OUTPUT_CHUNK_COALESCE_MS);
    }

    /** 0 = no limit. */
    public int outputChunkCoalesceMaxChars() {
        return getInt(OUTPUT_CHUNK_COALESCE_MAX_CHARS);
    }

    /** A new key converter, configured from the {@code output.key.converter.} settings. */
    public Converter outputKeyConverter() {
        return converter(OUTPUT_KEY_CONVERTER, OUTPUT_KEY_CONVERTER_PREFIX, true);
    }

    /** A new value converter, configured from the {@code output.value.converter.} settings. */
    public Converter outputValueConverter() {
        return converter(OUTPUT_VALUE_CONVERTER, OUTPUT_VALUE_CONVERTER_PREFIX, false);
    }

    /** A new converter of the class under {@code classKey}, configured from the settings under {@code prefix}. */
    protected Converter converter(String classKey, String prefix, boolean isKey) {
        Converter converter = Utils.newInstance(getClass(classKey), Converter.class);
        converter.configure(originalsWithPrefix(prefix), isKey);
        return converter;
    }

    // ---- Flow control & retry

    public int maxInFlightRequests() {
        return getInt(MAX_IN_FLIGHT);
    }

    /** Attempts against transient (non-throttling) errors. */
    public int retryMaxAttempts() {
        return getInt(RETRY_MAX_ATTEMPTS);
    }

    /** Throttled attempts before a request is dead-lettered; 0 = no count (the deadline alone). */
    public int retryThrottlingMaxAttempts() {
        return getInt(RETRY_THROTTLING_MAX_ATTEMPTS);
    }

    public Duration retryBackoff() {
        return Duration.ofMillis(getLong(RETRY_BACKOFF_MS));
    }

    public Duration retryBackoffMax() {
        return Duration.ofMillis(getLong(RETRY_BACKOFF_MAX_MS));
    }

    /** Empty when there is no deadline (0). */
    public Optional<Duration> retryDeadline() {
        long ms = getLong(RETRY_DEADLINE_MS);
        return ms == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ms));
    }

    public TransientErrors retryTransientErrors() {
        return TransientErrors.parse(getList(RETRY_TRANSIENT_ERRORS));
    }

    public Duration invocationTimeout() {
        return Duration.ofMillis(getLong(INVOCATION_TIMEOUT_MS));
    }

    public Duration streamIdleTimeout() {
        return Duration.ofMillis(getLong(STREAM_IDLE_TIMEOUT_MS));
    }

    public RequestOrdering requestOrdering() {
        return Choice.parse(RequestOrdering.class, getString(REQUEST_ORDERING));
    }

    /** 0 = no cap. */
    public int rateRequestsPerMinute() {
        return getInt(RATE_REQUESTS_PER_MINUTE);
    }

    /** 0 = no cap. */
    public long rateTokensPerMinute() {
        return getLong(RATE_TOKENS_PER_MINUTE);
    }

    /** Validated by the ConfigDef. */
    public io.bedrockstream.engine.OutputTokenWeights rateTokensOutputWeights() {
        return io.bedrockstream.engine.OutputTokenWeights.parse(getString(RATE_TOKENS_OUTPUT_WEIGHTS));
    }

    public boolean rateTokensLearn() {
        return getBoolean(RATE_TOKENS_LEARN);
    }

    public long rateTokensDefaultMaxTokens() {
        return getLong(RATE_TOKENS_DEFAULT_MAX_TOKENS);
    }

    public boolean adaptiveConcurrencyEnabled() {
        return getBoolean(ADAPTIVE_CONCURRENCY);
    }

    // ---- Errors

    public SetupErrorAction setupErrorAction() {
        return Choice.parse(SetupErrorAction.class, getString(SETUP_ERROR_ACTION));
    }

    /** Connect's {@code errors.tolerance=all}: failed records go to the dead-letter reporter instead of failing. */
    public boolean errorsTolerateAll() {
        Object v = originals().get(ERRORS_TOLERANCE);
        return v != null && "all".equalsIgnoreCase(v.toString().trim());
    }

    /** The connector's name ({@code name}), as Connect passes it to connectors and (via task configs) tasks. */
    public String connectorName() {
        Object v = originals().get("name");
        return v == null ? "" : v.toString();
    }

    /** All parsed values in key order; passwords print as [hidden]. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + new TreeMap<>(values());
    }

    protected Optional<Password> password(String key) {
        Password p = getPassword(key);
        return p == null || p.value() == null || p.value().isEmpty() ? Optional.empty() : Optional.of(p);
    }

    protected static Optional<String> nonEmpty(String s) {
        return s == null || s.trim().isEmpty() ? Optional.empty() : Optional.of(s.trim());
    }

    /** The task's index ({@code task.index}) in a task config; 0 in the connector's own config, which has none. */
    public int taskIndex() {
        return typeOf(TASK_INDEX) == null ? 0 : getInt(TASK_INDEX);
    }

    /** The entries of a list setting, trimmed, blanks dropped. */
    protected static List<String> trimmed(List<String> list) {
        return list.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
