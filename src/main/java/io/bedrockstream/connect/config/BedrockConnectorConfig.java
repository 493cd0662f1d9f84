package io.bedrockstream.connect.config;

import io.bedrockstream.connect.config.Choice.CredentialsProvider;
import io.bedrockstream.connect.config.Choice.HttpProtocol;
import io.bedrockstream.connect.config.Choice.RequestIdSource;
import io.bedrockstream.connect.config.Choice.RequestMode;
import io.bedrockstream.connect.config.Choice.RequestOrdering;
import io.bedrockstream.connect.config.Choice.SetupErrorAction;
import io.bedrockstream.model.ModelFamily;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.storage.Converter;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

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

    // Bedrock connection
    public static final String REGION = "bedrock.region";
    public static final String ENDPOINT_OVERRIDE = "bedrock.endpoint.override";
    public static final String HTTP_PROTOCOL = "bedrock.http.protocol";
    public static final String CONNECT_TIMEOUT_MS = "bedrock.connect.timeout.ms";
    // Credentials
    public static final String CREDENTIALS_PROVIDER = "bedrock.credentials.provider";
    public static final String ACCESS_KEY_ID = "bedrock.access.key.id";
    public static final String SECRET_ACCESS_KEY = "bedrock.secret.access.key";
    public static final String SESSION_TOKEN = "bedrock.session.token";
    public static final String PROFILE_NAME = "bedrock.profile.name";
    public static final String ROLE_ARN = "bedrock.role.arn";
    public static final String ROLE_EXTERNAL_ID = "bedrock.role.external.id";
    public static final String ROLE_SESSION_NAME = "bedrock.role.session.name";
    public static final String STS_ENDPOINT_OVERRIDE = "bedrock.sts.endpoint.override";
    public static final String API_KEY = "bedrock.api.key";
    // Model
    public static final String MODEL_ID = "bedrock.model.id";
    public static final String MODEL_FAMILY = "bedrock.model.family";
    public static final String MODEL_OVERRIDE_HEADER = "request.model.override.header";
    public static final String MODEL_ALLOWED = "request.model.allowed";
    public static final String GUARDRAIL_IDENTIFIER = "bedrock.guardrail.identifier";
    public static final String GUARDRAIL_VERSION = "bedrock.guardrail.version";
    public static final String TRACE = "bedrock.trace";
    public static final String PERFORMANCE_LATENCY = "bedrock.performance.latency";
    public static final String API = "bedrock.api";
    public static final String SERVICE_TIER = "bedrock.service.tier";
    public static final String GUARDRAIL_STREAM_MODE = "bedrock.guardrail.stream.processing.mode";
    public static final String CACHE_SYSTEM_PROMPT = "request.cache.system.prompt";
    public static final String REQUEST_METADATA = "request.metadata";
    public static final String REQUEST_METADATA_HEADERS = "request.metadata.headers";
    // Request mapping
    public static final String REQUEST_MODE = "request.mode";
    public static final String REQUEST_TEMPLATE = "request.template";
    public static final String PROMPT_POINTER = "request.prompt.pointer";
    public static final String SYSTEM_POINTER = "request.system.pointer";
    public static final String SYSTEM_PROMPT = "request.system.prompt";
    public static final String MAX_TOKENS = "request.max.tokens";
    public static final String TEMPERATURE = "request.temperature";
    public static final String TOP_P = "request.top.p";
    public static final String STOP_SEQUENCES = "request.stop.sequences";
    public static final String REQUEST_ID_SOURCE = "request.id.source";
    public static final String REQUEST_ID_HEADER = "request.id.header";
    public static final String REQUEST_ID_POINTER = "request.id.pointer";
    public static final String REQUEST_MAX_BYTES = "request.max.bytes";
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
    // Flow control & retry
    public static final String MAX_IN_FLIGHT = "max.in.flight.requests";
    public static final String RETRY_MAX_ATTEMPTS = "retry.max.attempts";
    public static final String RETRY_THROTTLING_MAX_ATTEMPTS = "retry.throttling.max.attempts";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    public static final String RETRY_DEADLINE_MS = "retry.deadline.ms";
    public static final String RETRY_TRANSIENT_ERRORS = "retry.transient.errors";
    public static final String INVOCATION_TIMEOUT_MS = "invocation.timeout.ms";
    public static final String STREAM_IDLE_TIMEOUT_MS = "stream.idle.timeout.ms";
    public static final String REQUEST_ORDERING = "request.ordering";
    public static final String RATE_REQUESTS_PER_MINUTE = "rate.requests.per.minute";
    public static final String RATE_TOKENS_PER_MINUTE = "rate.tokens.per.minute";
    public static final String ADAPTIVE_CONCURRENCY = "adaptive.concurrency.enabled";
    // Errors
    public static final String SETUP_ERROR_ACTION = "setup.error.action";
    /** Connect's own key, owned by the worker: read from the originals, never redefined here. */
    public static final String ERRORS_TOLERANCE = "errors.tolerance";

    /** Model ids of this shape name a model whose family cannot be told from the id. */
    /** Set by a connector in each task config: the task's index. */
    public static final String TASK_INDEX = "task.index";

    public static final List<String> OPAQUE_MODEL_ARN_PARTS = List.of(
            ":provisioned-model/", ":imported-model/", ":custom-model/", ":application-inference-profile/");
    public static final String ANY_MODEL = "*";

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

    public CredentialsProvider credentialsProvider() {
        return Choice.parse(CredentialsProvider.class, getString(CREDENTIALS_PROVIDER));
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
        return nonEmpty(getString(ROLE_SESSION_NAME)).orElse("kafka-connect-bedrock-stream");
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
        return getList(MODEL_ALLOWED).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Whether a record may override the model with this id ({@code request.model.allowed}). */
    public boolean modelOverrideAllowed(String modelId) {
        List<String> allowed = allowedModels();
        return modelId != null && (allowed.contains(ANY_MODEL) || allowed.contains(modelId.trim()));
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
    public String api() {
        return getString(API).trim().toLowerCase(Locale.ROOT);
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

    public RequestIdSource requestIdSource() {
        return Choice.parse(RequestIdSource.class, getString(REQUEST_ID_SOURCE));
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

    /** The task's index from its task config ({@code task.index}); 0 when absent (the connector's own config). */
    public int taskIndex() {
        Object v = originals().get(TASK_INDEX);
        return v == null ? 0 : Integer.parseInt(v.toString().trim());
    }

    /** The entries of a list setting, trimmed, blanks dropped. */
    protected static List<String> trimmed(List<String> list) {
        return list.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
