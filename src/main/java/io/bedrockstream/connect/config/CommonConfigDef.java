package io.bedrockstream.connect.config;

import static io.bedrockstream.connect.config.BedrockConnectorConfig.*;
import static io.bedrockstream.request.RequestMappingSettings.GUARDRAIL_STREAM_MODE_VALUES;
import static io.bedrockstream.request.RequestMappingSettings.PERFORMANCE_LATENCY_VALUES;
import static io.bedrockstream.request.RequestMappingSettings.SERVICE_TIER_VALUES;
import static io.bedrockstream.request.RequestMappingSettings.TRACE_VALUES;

import io.bedrockstream.bedrock.BedrockClientSettings.HttpProtocol;
import io.bedrockstream.bedrock.CredentialsSettings;
import io.bedrockstream.bedrock.CredentialsSettings.Provider;
import io.bedrockstream.connect.config.Choice.RequestOrdering;
import io.bedrockstream.connect.config.Choice.SetupErrorAction;
import io.bedrockstream.engine.OutputTokenWeights;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.request.BedrockApi;
import io.bedrockstream.request.IdSource;
import io.bedrockstream.request.RequestMappingSettings;
import io.bedrockstream.request.RequestMode;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The definitions of the shared keys: type, default, validator, importance, documentation, group, order,
 * width, display name and recommender. This text is the one place each key is documented; the generated
 * reference ({@code docs/configuration.md}) and the worker's REST answers both come from it.
 */
final class CommonConfigDef {

    private CommonConfigDef() {}

    static ConfigDef build() {
        return build(true);
    }

    /**
     * @param outputConverters whether to define output.key/value.converter: the sink serialises its own output;
     *                         the source connector's output goes through the worker's converters instead
     */
    static ConfigDef build(boolean outputConverters) {
        ConfigDef def = new ConfigDef();
        defineConnection(def);
        defineCredentials(def);
        defineModel(def);
        defineRequest(def);
        defineOutput(def, outputConverters);
        defineFlow(def);
        defineErrors(def);
        return def;
    }

    private static void defineConnection(ConfigDef def) {
        List<String> protocols = Choice.names(HttpProtocol.class);
        new Group(def, GROUP_CONNECTION)
                .define(
                        REGION,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        Width.SHORT,
                        "AWS region",
                        "The AWS region whose Bedrock Runtime endpoint is called, e.g. us-east-1. It also signs "
                                + "requests, so it must be set even when an endpoint override is used. Required.")
                .define(
                        ENDPOINT_OVERRIDE,
                        Type.STRING,
                        "",
                        new HttpUriOrEmpty(),
                        Importance.LOW,
                        Width.LONG,
                        "Endpoint override",
                        "An absolute http:// or https:// URI to call instead of the region's public Bedrock Runtime "
                                + "endpoint, e.g. a VPC interface endpoint or a local emulator. Empty (the default) "
                                + "uses the region's standard endpoint.")
                .define(
                        HTTP_PROTOCOL,
                        Type.STRING,
                        HttpProtocol.HTTP2.configName(),
                        OneOf.of(protocols),
                        Importance.LOW,
                        Width.SHORT,
                        "HTTP protocol",
                        "The HTTP version the client speaks: HTTP2 (the default, what Bedrock's streaming API "
                                + "prefers) or HTTP1_1 (for proxies or endpoints that only speak HTTP/1.1). "
                                + "Case-insensitive.",
                        new EnumRecommender(protocols))
                .define(
                        CONNECT_TIMEOUT_MS,
                        Type.INT,
                        10_000,
                        Range.atLeast(1),
                        Importance.LOW,
                        Width.SHORT,
                        "Connect timeout (ms)",
                        "How long to wait for a TCP/TLS connection to the Bedrock endpoint, in milliseconds. "
                                + "Must be at least 1; the default is 10000 (10 s).");
    }

    private static void defineCredentials(ConfigDef def) {
        List<String> providers = Choice.names(Provider.class);
        new Group(def, GROUP_CREDENTIALS)
                .define(
                        CREDENTIALS_PROVIDER,
                        Type.STRING,
                        Provider.DEFAULT.configName(),
                        OneOf.of(providers),
                        Importance.HIGH,
                        Width.SHORT,
                        "Credentials provider",
                        "Where AWS credentials come from. 'default' (the default) uses the SDK's default chain "
                                + "(environment, system properties, web identity as on EKS with IRSA, profile file, "
                                + "container and instance roles). 'static' uses bedrock.access.key.id and "
                                + "bedrock.secret.access.key (and bedrock.session.token if set). 'profile' reads "
                                + "bedrock.profile.name from the AWS config and credentials files (keys, or role_arn "
                                + "with source_profile). 'assume-role' assumes bedrock.role.arn through STS using the "
                                + "default chain's credentials. All but 'static' are fetched, and refreshed before "
                                + "they expire, on a thread of the connector's own; credentials that cannot be had "
                                + "are a setup error (see setup.error.action). 'api-key' sends bedrock.api.key, a "
                                + "Bedrock API key, as a bearer token instead of signing with AWS credentials. With "
                                + "'default', a Bedrock API key in the worker's AWS_BEARER_TOKEN_BEDROCK (or the "
                                + "aws.bearerTokenBedrock system property) is used instead of the chain, as the AWS "
                                + "SDK does; 'static', 'profile' and 'assume-role' always sign with their "
                                + "credentials and ignore that variable.",
                        new EnumRecommender(providers),
                        List.of(
                                ACCESS_KEY_ID,
                                SECRET_ACCESS_KEY,
                                SESSION_TOKEN,
                                PROFILE_NAME,
                                ROLE_ARN,
                                ROLE_EXTERNAL_ID,
                                ROLE_SESSION_NAME,
                                STS_ENDPOINT_OVERRIDE,
                                API_KEY))
                .define(
                        ACCESS_KEY_ID,
                        Type.PASSWORD,
                        null,
                        null,
                        Importance.HIGH,
                        Width.MEDIUM,
                        "Access key id",
                        "The AWS access key id, used only when bedrock.credentials.provider is 'static'. Hidden in "
                                + "logs and REST output; use a config provider such as ${file:...} or ${env:...} "
                                + "to keep it out of the connector config. Unset by default.",
                        new VisibleWhen(CREDENTIALS_PROVIDER, Provider.STATIC.configName()))
                .define(
                        SECRET_ACCESS_KEY,
                        Type.PASSWORD,
                        null,
                        null,
                        Importance.HIGH,
                        Width.MEDIUM,
                        "Secret access key",
                        "The AWS secret access key paired with bedrock.access.key.id, used only when "
                                + "bedrock.credentials.provider is 'static'. Hidden in logs and REST output; use a "
                                + "config provider to keep it out of the connector config. Unset by default.",
                        new VisibleWhen(CREDENTIALS_PROVIDER, Provider.STATIC.configName()))
                .define(
                        SESSION_TOKEN,
                        Type.PASSWORD,
                        null,
                        null,
                        Importance.MEDIUM,
                        Width.LONG,
                        "Session token",
                        "An AWS session token for temporary 'static' credentials. Unset by default (long-term keys).",
                        new VisibleWhen(CREDENTIALS_PROVIDER, Provider.STATIC.configName()))
                .define(
                        PROFILE_NAME,
                        Type.STRING,
                        "",
                        null,
                        Importance.MEDIUM,
                        Width.MEDIUM,
                        "Profile name",
                        "The named profile to read when bedrock.credentials.provider is 'profile'. Empty (the "
                                + "default) uses the SDK's default profile (AWS_PROFILE or 'default').",
                        new VisibleWhen(CREDENTIALS_PROVIDER, Provider.PROFILE.configName()))
                .define(
                        ROLE_ARN,
                        Type.STRING,
                        "",
                        new PatternOrEmpty(
                                "arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+",
                                "an IAM role ARN such as arn:aws:iam::123456789012:role/bedrock-invoker"),
                        Importance.MEDIUM,
                        Width.LONG,
                        "Role ARN",
                        "The IAM role to assume when bedrock.credentials.provider is 'assume-role', e.g. "
                                + "arn:aws:iam::123456789012:role/bedrock-invoker. Required for that provider; "
                                + "empty by default.",
                        new VisibleWhen(CREDENTIALS_PROVIDER, Provider.ASSUME_ROLE.configName()))
                .define(
                        ROLE_EXTERNAL_ID,
                        Type.PASSWORD,
                        null,
                        null,
                        Importance.LOW,
                        Width.MEDIUM,
                        "Role external id",
                        "The external id the role's trust policy requires, if any, when assuming bedrock.role.arn. "
                                + "Unset by default.",
                        new VisibleWhen(CREDENTIALS_PROVIDER, Provider.ASSUME_ROLE.configName()))
                .define(
                        ROLE_SESSION_NAME,
                        Type.STRING,
                        CredentialsSettings.DEFAULT_ROLE_SESSION_NAME,
                        new PatternOrEmpty("[\\w+=,.@-]{2,64}", "2 to 64 characters of letters, digits and +=,.@_-"),
                        Importance.LOW,
                        Width.MEDIUM,
                        "Role session name",
                        "The session name recorded in CloudTrail when assuming bedrock.role.arn. Defaults to "
                                + "kafka-connect-bedrock-stream.",
                        new VisibleWhen(CREDENTIALS_PROVIDER, Provider.ASSUME_ROLE.configName()))
                .define(
                        STS_ENDPOINT_OVERRIDE,
                        Type.STRING,
                        "",
                        new HttpUriOrEmpty(),
                        Importance.LOW,
                        Width.LONG,
                        "STS endpoint override",
                        "An absolute http:// or https:// URI of the STS endpoint that 'assume-role' calls, e.g. a "
                                + "VPC interface endpoint for STS. Empty (the default) uses the region's STS "
                                + "endpoint (or AWS_ENDPOINT_URL_STS if the worker sets it, which the SDK's own web "
                                + "identity and profile role_arn providers also follow).",
                        new VisibleWhen(CREDENTIALS_PROVIDER, Provider.ASSUME_ROLE.configName()))
                .define(
                        API_KEY,
                        Type.PASSWORD,
                        null,
                        null,
                        Importance.HIGH,
                        Width.LONG,
                        "Bedrock API key",
                        "A Bedrock API key (long-term keys start with ABSK, short-term ones with "
                                + "bedrock-api-key-), used only when bedrock.credentials.provider is 'api-key' and "
                                + "then required; it is sent as 'Authorization: Bearer <key>' and is valid in the "
                                + "region it was issued for. Hidden in logs, errors and REST output; use a config "
                                + "provider such as ${file:...} or ${env:...} to keep it out of the connector "
                                + "config. Unset by default.",
                        new VisibleWhen(CREDENTIALS_PROVIDER, Provider.API_KEY.configName()));
    }

    private static void defineModel(ConfigDef def) {
        List<String> families = Choice.names(ModelFamily.class);
        List<String> apis = Choice.names(BedrockApi.class);
        new Group(def, GROUP_MODEL)
                .define(
                        MODEL_ID,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        Width.LONG,
                        "Model id",
                        "The model to invoke: a base model id (anthropic.claude-3-5-haiku-20241022-v1:0), an "
                                + "inference profile id (us.anthropic..., eu..., apac..., global...), or an ARN. "
                                + "Required. For ARNs of provisioned, imported or custom models and application "
                                + "inference profiles also set bedrock.model.family.",
                        null,
                        List.of(MODEL_FAMILY))
                .define(
                        MODEL_FAMILY,
                        Type.STRING,
                        "",
                        OneOf.orEmpty(families),
                        Importance.MEDIUM,
                        Width.SHORT,
                        "Model family",
                        "The request and chunk format of the model: one of " + String.join(", ", families)
                                + ". Empty (the default) detects it from bedrock.model.id; set it when the id does "
                                + "not tell (provisioned, imported or custom model ARNs).",
                        new EnumRecommender(families))
                .define(
                        MODEL_OVERRIDE_HEADER,
                        Type.STRING,
                        "",
                        null,
                        Importance.LOW,
                        Width.MEDIUM,
                        "Model override header",
                        "The name of a record header whose value, when present, names the model to invoke for that "
                                + "record instead of bedrock.model.id. Only ids listed in request.model.allowed are "
                                + "accepted; others are dead-lettered. Empty (the default) disables overrides.",
                        null,
                        List.of(MODEL_ALLOWED))
                .define(
                        MODEL_ALLOWED,
                        Type.LIST,
                        "",
                        null,
                        Importance.LOW,
                        Width.LONG,
                        "Allowed override models",
                        "Model ids a record may ask for through request.model.override.header, comma-separated; '*' "
                                + "allows any. Empty (the default) allows no override.")
                .define(
                        GUARDRAIL_IDENTIFIER,
                        Type.STRING,
                        "",
                        null,
                        Importance.MEDIUM,
                        Width.MEDIUM,
                        "Guardrail identifier",
                        "The id or ARN of a Bedrock guardrail to apply to every invocation. Empty (the default) "
                                + "applies none. Requires bedrock.guardrail.version.",
                        null,
                        List.of(GUARDRAIL_VERSION))
                .define(
                        GUARDRAIL_VERSION,
                        Type.STRING,
                        "",
                        new PatternOrEmpty(
                                RequestMappingSettings.GUARDRAIL_VERSION_REGEX,
                                "a version number (1-99999999) or DRAFT"),
                        Importance.MEDIUM,
                        Width.SHORT,
                        "Guardrail version",
                        "The guardrail version to apply: a number such as 1, or DRAFT. Empty by default; required "
                                + "when bedrock.guardrail.identifier is set.")
                .define(
                        TRACE,
                        Type.STRING,
                        "",
                        OneOf.orEmpty(TRACE_VALUES),
                        Importance.LOW,
                        Width.SHORT,
                        "Guardrail trace",
                        "Whether the guardrail trace is returned: ENABLED, DISABLED or ENABLED_FULL. Empty (the "
                                + "default) leaves the API's default.",
                        new EnumRecommender(TRACE_VALUES))
                .define(
                        PERFORMANCE_LATENCY,
                        Type.STRING,
                        "",
                        OneOf.orEmpty(PERFORMANCE_LATENCY_VALUES),
                        Importance.LOW,
                        Width.SHORT,
                        "Performance latency",
                        "Bedrock's latency-optimized inference setting: standard or optimized (only some models "
                                + "and regions support it). Empty (the default) leaves the API's default.",
                        new EnumRecommender(PERFORMANCE_LATENCY_VALUES))
                .define(
                        API,
                        Type.STRING,
                        BedrockApi.INVOKE.configName(),
                        OneOf.of(apis),
                        Importance.HIGH,
                        Width.SHORT,
                        "Bedrock API",
                        "Which streaming API each request goes to. 'invoke' (the default) calls "
                                + "InvokeModelWithResponseStream with the model family's native body. 'converse' "
                                + "calls ConverseStream: one request format for every model (messages, system, "
                                + "inferenceConfig, toolConfig, ...), typed deltas (text, tool use, reasoning, "
                                + "citations) in the output records; with bedrock.model.family empty any model id "
                                + "or inference-profile ARN is accepted.",
                        new EnumRecommender(apis))
                .define(
                        SERVICE_TIER,
                        Type.STRING,
                        "",
                        OneOf.orEmpty(SERVICE_TIER_VALUES),
                        Importance.LOW,
                        Width.SHORT,
                        "Service tier",
                        "Bedrock's service tier for every call of either API: default, priority, flex or reserved "
                                + "(not every model offers every tier; Bedrock refuses an unsupported one with a "
                                + "ValidationException, which dead-letters). Empty (the default) sends none. The "
                                + "tier Converse reports is on the complete record as service_tier.",
                        new EnumRecommender(SERVICE_TIER_VALUES))
                .define(
                        GUARDRAIL_STREAM_MODE,
                        Type.STRING,
                        "",
                        OneOf.orEmpty(GUARDRAIL_STREAM_MODE_VALUES),
                        Importance.LOW,
                        Width.SHORT,
                        "Guardrail stream processing mode",
                        "With bedrock.api=converse and a guardrail: 'sync' holds chunks back until the guardrail "
                                + "has checked them, 'async' streams them while it checks. Empty (the default) "
                                + "leaves the API's default. An intervention ends the call normally with "
                                + "stop_reason guardrail_intervened.",
                        new EnumRecommender(GUARDRAIL_STREAM_MODE_VALUES));
    }

    private static void defineRequest(ConfigDef def) {
        List<String> modes = Choice.names(RequestMode.class);
        List<String> idSources = Choice.names(IdSource.class);
        new Group(def, GROUP_REQUEST)
                .define(
                        REQUEST_MODE,
                        Type.STRING,
                        RequestMode.PASSTHROUGH.configName(),
                        OneOf.of(modes),
                        Importance.HIGH,
                        Width.SHORT,
                        "Request mode",
                        "How a record becomes a model request body. 'passthrough' (the default) sends the record "
                                + "value as the model's native JSON body. 'prompt' takes a plain prompt (the value, "
                                + "or the field at request.prompt.pointer) and builds the family's native body with "
                                + "the request.* inference settings. 'template' fills request.template with fields "
                                + "of the value.",
                        new EnumRecommender(modes),
                        List.of(
                                REQUEST_TEMPLATE,
                                PROMPT_POINTER,
                                SYSTEM_POINTER,
                                SYSTEM_PROMPT,
                                MAX_TOKENS,
                                TEMPERATURE,
                                TOP_P,
                                STOP_SEQUENCES))
                .define(
                        CACHE_SYSTEM_PROMPT,
                        Type.BOOLEAN,
                        false,
                        null,
                        Importance.LOW,
                        Width.SHORT,
                        "Cache the system prompt",
                        "With request.mode=prompt: mark the system prompt as a prompt-cache point, so models "
                                + "that support prompt caching reuse it across requests. With bedrock.api=converse "
                                + "a cachePoint follows the system prompt (any model; the cache tokens are on the "
                                + "complete record); with bedrock.api=invoke the anthropic family's system prompt "
                                + "becomes a text block with cache_control {\"type\":\"ephemeral\"}, and other "
                                + "families, which have no native cache point, are refused at validation (a record "
                                + "whose override header names one is dead-lettered). False by default.")
                .define(
                        REQUEST_METADATA,
                        Type.LIST,
                        "",
                        new MetadataEntries(REQUEST_METADATA),
                        Importance.LOW,
                        Width.LONG,
                        "Request metadata",
                        "key=value pairs sent as Bedrock's requestMetadata with every call of either API (for cost "
                                + "attribution and invocation-log filters), comma-separated. With "
                                + "request.metadata.headers at most 16 keys in all; keys 1-256 and values up to 256 "
                                + "letters, digits, spaces or :_@$#=/+,-. Empty (the default) sends none.")
                .define(
                        REQUEST_METADATA_HEADERS,
                        Type.LIST,
                        "",
                        new MetadataEntries(REQUEST_METADATA_HEADERS),
                        Importance.LOW,
                        Width.LONG,
                        "Request metadata from headers",
                        "key=header pairs: the value of each record header named is sent as request metadata "
                                + "under its key (absent headers add nothing; a value Bedrock would refuse "
                                + "dead-letters the record with the reason). Empty (the default) takes none.")
                .define(
                        REQUEST_TEMPLATE,
                        Type.STRING,
                        "",
                        null,
                        Importance.MEDIUM,
                        Width.LONG,
                        "Request template",
                        "The body template for request.mode=template: the model's native JSON body with placeholders "
                                + "that are filled from fields of the record value. Required in template mode; "
                                + "empty by default.",
                        new VisibleWhen(REQUEST_MODE, RequestMode.TEMPLATE.configName()))
                .define(
                        PROMPT_POINTER,
                        Type.STRING,
                        "",
                        new JsonPointerOrEmpty(),
                        Importance.MEDIUM,
                        Width.MEDIUM,
                        "Prompt pointer",
                        "In prompt mode, the JSON pointer of the prompt text inside the record value, e.g. "
                                + "/question. Empty (the default) uses the whole value as the prompt.",
                        new VisibleWhen(REQUEST_MODE, RequestMode.PROMPT.configName()))
                .define(
                        SYSTEM_POINTER,
                        Type.STRING,
                        "",
                        new JsonPointerOrEmpty(),
                        Importance.LOW,
                        Width.MEDIUM,
                        "System prompt pointer",
                        "In prompt mode, the JSON pointer of a per-record system prompt inside the value. Empty (the "
                                + "default) uses request.system.prompt.",
                        new VisibleWhen(REQUEST_MODE, RequestMode.PROMPT.configName()))
                .define(
                        SYSTEM_PROMPT,
                        Type.STRING,
                        "",
                        null,
                        Importance.LOW,
                        Width.LONG,
                        "System prompt",
                        "In prompt mode, a system prompt sent with every request (for families that support one). "
                                + "Empty (the default) sends none.",
                        new VisibleWhen(REQUEST_MODE, RequestMode.PROMPT.configName()))
                .define(
                        MAX_TOKENS,
                        Type.INT,
                        512,
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        Width.SHORT,
                        "Max tokens",
                        "In prompt mode, the most tokens the model may generate per request. At least 1; default "
                                + "512.",
                        new VisibleWhen(REQUEST_MODE, RequestMode.PROMPT.configName()))
                .define(
                        TEMPERATURE,
                        Type.DOUBLE,
                        null,
                        new NullableRange(0.0, 2.0),
                        Importance.LOW,
                        Width.SHORT,
                        "Temperature",
                        "In prompt mode, the sampling temperature, between 0.0 and 2.0 (models accept narrower "
                                + "ranges). Unset (the default) uses the model's default.",
                        new VisibleWhen(REQUEST_MODE, RequestMode.PROMPT.configName()))
                .define(
                        TOP_P,
                        Type.DOUBLE,
                        null,
                        new NullableRange(0.0, 1.0),
                        Importance.LOW,
                        Width.SHORT,
                        "Top P",
                        "In prompt mode, nucleus sampling probability, between 0.0 and 1.0. Unset (the default) "
                                + "uses the model's default.",
                        new VisibleWhen(REQUEST_MODE, RequestMode.PROMPT.configName()))
                .define(
                        STOP_SEQUENCES,
                        Type.LIST,
                        "",
                        null,
                        Importance.LOW,
                        Width.LONG,
                        "Stop sequences",
                        "In prompt mode, comma-separated sequences that stop generation. Empty (the default) sends "
                                + "none.",
                        new VisibleWhen(REQUEST_MODE, RequestMode.PROMPT.configName()))
                .define(
                        REQUEST_ID_SOURCE,
                        Type.STRING,
                        IdSource.KEY.configName(),
                        OneOf.of(idSources),
                        Importance.MEDIUM,
                        Width.SHORT,
                        "Request id source",
                        "Where each request's id (the output records' key) comes from: 'key' (the default: the "
                                + "record key as a string, or <topic>-<partition>-<offset> when the key is null), "
                                + "'header' (the header named by request.id.header), 'field' (the value field at "
                                + "request.id.pointer) or 'offset' (always <topic>-<partition>-<offset>).",
                        new EnumRecommender(idSources),
                        List.of(REQUEST_ID_HEADER, REQUEST_ID_POINTER))
                .define(
                        REQUEST_ID_HEADER,
                        Type.STRING,
                        "",
                        null,
                        Importance.LOW,
                        Width.MEDIUM,
                        "Request id header",
                        "The header carrying the request id when request.id.source=header. Empty by default; "
                                + "required for that source.",
                        new VisibleWhen(REQUEST_ID_SOURCE, IdSource.HEADER.configName()))
                .define(
                        REQUEST_ID_POINTER,
                        Type.STRING,
                        "",
                        new JsonPointerOrEmpty(),
                        Importance.LOW,
                        Width.MEDIUM,
                        "Request id pointer",
                        "The JSON pointer of the request id inside the value when request.id.source=field, e.g. "
                                + "/id. Empty by default; required for that source.",
                        new VisibleWhen(REQUEST_ID_SOURCE, IdSource.FIELD.configName()))
                .define(
                        REQUEST_MAX_BYTES,
                        Type.INT,
                        (int) RequestMappingSettings.DEFAULT_MAX_BYTES,
                        Range.between(1, (int) RequestMappingSettings.BEDROCK_MAX_BODY_BYTES),
                        Importance.LOW,
                        Width.SHORT,
                        "Max request bytes",
                        "The largest request body sent to Bedrock, in bytes; larger requests are dead-lettered "
                                + "without a call. Between 1 and 25000000; default 1000000.")
                .define(
                        REQUEST_CONTENT_TYPE,
                        Type.STRING,
                        RequestMappingSettings.DEFAULT_CONTENT_TYPE,
                        new ConfigDef.NonEmptyString(),
                        Importance.LOW,
                        Width.MEDIUM,
                        "Request content type",
                        "The contentType sent with each invocation. Default application/json.")
                .define(
                        REQUEST_ACCEPT,
                        Type.STRING,
                        RequestMappingSettings.DEFAULT_CONTENT_TYPE,
                        new ConfigDef.NonEmptyString(),
                        Importance.LOW,
                        Width.MEDIUM,
                        "Accept",
                        "The accept type sent with each invocation. Default application/json.");
    }

    private static void defineOutput(ConfigDef def, boolean outputConverters) {
        Group output = new Group(def, GROUP_OUTPUT)
                .define(
                        OUTPUT_TOPIC,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        Width.MEDIUM,
                        "Output topic",
                        "The topic that receives one record per streamed chunk and one terminal record (complete "
                                + "or error) per invocation, keyed by request id. Required; must not be one of the "
                                + "connector's input topics.")
                .define(
                        COMPLETIONS_TOPIC,
                        Type.STRING,
                        "",
                        null,
                        Importance.MEDIUM,
                        Width.MEDIUM,
                        "Completions topic",
                        "A topic that receives one record per completed request with the whole text and usage "
                                + "figures. Empty (the default) turns it off. Must differ from output.topic.")
                .define(
                        OUTPUT_CHUNK_RAW,
                        Type.BOOLEAN,
                        false,
                        null,
                        Importance.LOW,
                        Width.SHORT,
                        "Include raw chunk",
                        "Whether chunk records carry the model's raw decoded chunk JSON in the 'chunk' field as "
                                + "well as the extracted 'text'. Default false: the raw chunk roughly doubles a "
                                + "one-word chunk record (about +110 bytes for Claude) and the extracted text, "
                                + "stop reason and usage are already fields; true keeps it for readers that need "
                                + "family-specific fields.")
                .define(
                        OUTPUT_CHUNK_CONTEXT,
                        Type.BOOLEAN,
                        false,
                        null,
                        Importance.LOW,
                        Width.SHORT,
                        "Context on every chunk",
                        "Whether every chunk record repeats its invocation's context: model_id, source_topic, "
                                + "source_partition and source_offset. Default false: the first chunk (seq 0) and "
                                + "the invocation's terminal record (complete or error) carry them and later chunks "
                                + "leave them null (omitted by the default output.value.converter), which saves "
                                + "about 130 bytes per chunk record; true puts them on every record.")
                .define(
                        OUTPUT_CHUNK_COALESCE_MS,
                        Type.LONG,
                        0L,
                        Range.between(0L, 60_000L),
                        Importance.LOW,
                        Width.SHORT,
                        "Coalesce chunks (ms)",
                        "Merge consecutive chunks of one invocation into one record for up to this many "
                                + "milliseconds after the first of them arrived: fewer, larger records for "
                                + "throughput, at up to this much added latency per token. Each record's 'deltas' "
                                + "field says how many chunks it holds, its text is theirs joined, its raw chunk "
                                + "(output.chunk.raw) a JSON array of theirs; seq numbers records and stays "
                                + "contiguous. Held chunks are written before the terminal record. Default 0: "
                                + "off, one record per chunk.")
                .define(
                        OUTPUT_CHUNK_COALESCE_MAX_CHARS,
                        Type.INT,
                        0,
                        Range.atLeast(0),
                        Importance.LOW,
                        Width.SHORT,
                        "Coalesce up to (chars)",
                        "With output.chunk.coalesce.ms on, write the merged record at once when its text "
                                + "reaches this many characters. Default 0: no limit (only the time bounds it).");
        if (!outputConverters) {
            return;
        }
        output.define(
                        OUTPUT_KEY_CONVERTER,
                        Type.CLASS,
                        STRING_CONVERTER,
                        null,
                        Importance.LOW,
                        Width.LONG,
                        "Output key converter",
                        "The Converter that serializes output record keys (request ids). Its settings go under "
                                + "the prefix output.key.converter. Default "
                                + STRING_CONVERTER + ".")
                .define(
                        OUTPUT_VALUE_CONVERTER,
                        Type.CLASS,
                        "io.bedrockstream.connect.LeanJsonConverter",
                        null,
                        Importance.MEDIUM,
                        Width.LONG,
                        "Output value converter",
                        "The Converter that serializes output record values (io.bedrockstream.ChunkRecord and "
                                + "io.bedrockstream.Completion structs). Its settings go under the prefix "
                                + "output.value.converter. Default io.bedrockstream.connect.LeanJsonConverter: bare "
                                + "JSON without null fields (schemas.enable defaults to false); with "
                                + "output.value.converter.schemas.enable=true it writes exactly what Connect's "
                                + "JsonConverter writes, schema envelope and nulls included. Any converter on the "
                                + "worker works, e.g. org.apache.kafka.connect.json.JsonConverter or Avro with "
                                + "Schema Registry, which keep the full schema.");
    }

    private static void defineFlow(ConfigDef def) {
        List<String> orderings = Choice.names(RequestOrdering.class);
        new Group(def, GROUP_FLOW)
                .define(
                        MAX_IN_FLIGHT,
                        Type.INT,
                        16,
                        Range.between(1, 10_000),
                        Importance.HIGH,
                        Width.SHORT,
                        "Max in-flight requests",
                        "The most requests one task has in flight at once: Bedrock invocations running plus "
                                + "requests waiting out a retry backoff, which keep their place; throttling lowers "
                                + "the task's effective limit for a while (adaptive.concurrency.enabled). The task "
                                + "pauses its "
                                + "input partitions while twice this many requests are unfinished and resumes at "
                                + "1.5 times this many, so memory stays bounded. Between 1 and 10000; default 16.")
                .define(
                        RETRY_MAX_ATTEMPTS,
                        Type.INT,
                        5,
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        Width.SHORT,
                        "Max attempts",
                        "The most attempts a request gets against transient errors (5xx, model stream errors, "
                                + "timeouts, connection loss), counting the first: once this many attempts failed "
                                + "with them the request is dead-lettered; 1 disables their retries. Throttled "
                                + "attempts do not count: throttling is retried until retry.deadline.ms (and "
                                + "retry.throttling.max.attempts, if set). Nor do attempts that found no "
                                + "credentials because STS or the network failed (a transient CredentialsError): "
                                + "they are retried until retry.deadline.ms, so an STS outage does not dead-letter "
                                + "every request within seconds. Default 5.")
                .define(
                        RETRY_THROTTLING_MAX_ATTEMPTS,
                        Type.INT,
                        0,
                        Range.atLeast(0),
                        Importance.LOW,
                        Width.SHORT,
                        "Max throttled attempts",
                        "The most throttled attempts a request may have before it is dead-lettered, counting the "
                                + "first; 0 (the default) sets no count, so throttling is retried until "
                                + "retry.deadline.ms, which suits Bedrock's per-minute quotas; 1 disables "
                                + "throttling retries. Default 0.")
                .define(
                        RETRY_BACKOFF_MS,
                        Type.LONG,
                        500L,
                        Range.atLeast(0),
                        Importance.MEDIUM,
                        Width.SHORT,
                        "Retry backoff (ms)",
                        "The base of the exponential backoff between attempts, in milliseconds: the wait after "
                                + "attempt n is drawn uniformly (jitter) between this and min(retry.backoff.max.ms, "
                                + "this x 2^(n-1)). At least 0 and at most retry.backoff.max.ms; default 500.",
                        null,
                        List.of(RETRY_BACKOFF_MAX_MS))
                .define(
                        RETRY_BACKOFF_MAX_MS,
                        Type.LONG,
                        30_000L,
                        Range.atLeast(0),
                        Importance.LOW,
                        Width.SHORT,
                        "Max retry backoff (ms)",
                        "The cap on one backoff between attempts, in milliseconds. Default 30000.")
                .define(
                        RETRY_DEADLINE_MS,
                        Type.LONG,
                        300_000L,
                        Range.atLeast(0),
                        Importance.LOW,
                        Width.SHORT,
                        "Retry deadline (ms)",
                        "No retry starts once this long has passed since a request's first attempt started, in "
                                + "milliseconds; the request is then dead-lettered. Time spent waiting for a first "
                                + "attempt does not count. This is throttling's budget, sized for Bedrock's "
                                + "per-minute quotas: a burst over quota is retried for this long, with backoff "
                                + "growing to retry.backoff.max.ms and the concurrency lowered (adaptive."
                                + "concurrency.enabled). It is also the budget of transient credentials failures "
                                + "(CredentialsError while STS is unreachable), which retry.max.attempts does not "
                                + "count. 0 means no deadline: transient errors are then bounded by "
                                + "retry.max.attempts alone, throttling by retry.throttling.max.attempts (never, if "
                                + "that is 0 too), and transient credentials failures never. Default 300000 "
                                + "(5 min).")
                .define(
                        RETRY_TRANSIENT_ERRORS,
                        Type.LIST,
                        TransientErrors.ALL,
                        new TransientErrors.Validator(),
                        Importance.LOW,
                        Width.LONG,
                        "Retried transient errors",
                        "Which transient errors are retried: 'all' (the default), 'none', or a comma-separated list "
                                + "of error types from " + String.join(", ", TransientErrors.KNOWN)
                                + " (case-insensitive). Throttling is always retried; invalid-request and setup "
                                + "errors never are.")
                .define(
                        INVOCATION_TIMEOUT_MS,
                        Type.LONG,
                        300_000L,
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        Width.SHORT,
                        "Invocation timeout (ms)",
                        "The longest one invocation may take from call to last chunk, in milliseconds, before it "
                                + "ends with an InvocationTimeout error. Default 300000 (5 min).")
                .define(
                        STREAM_IDLE_TIMEOUT_MS,
                        Type.LONG,
                        60_000L,
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        Width.SHORT,
                        "Stream idle timeout (ms)",
                        "The longest gap between two chunks (or before the first), in milliseconds, before the "
                                + "invocation ends with a StreamIdleTimeout error. Default 60000.")
                .define(
                        REQUEST_ORDERING,
                        Type.STRING,
                        RequestOrdering.NONE.configName(),
                        OneOf.of(orderings),
                        Importance.LOW,
                        Width.SHORT,
                        "Request ordering",
                        "'none' (the default) runs requests concurrently in any order; 'key' runs requests with "
                                + "the same record key one after another, in offset order, whatever "
                                + "request.id.source says. Records without a key are not ordered.",
                        new EnumRecommender(orderings))
                .define(
                        RATE_REQUESTS_PER_MINUTE,
                        Type.INT,
                        0,
                        Range.atLeast(0),
                        Importance.LOW,
                        Width.SHORT,
                        "Requests per minute",
                        "A per-task cap on invocations started per minute, to stay inside a Bedrock quota. 0 (the "
                                + "default) means no cap.")
                .define(
                        RATE_TOKENS_PER_MINUTE,
                        Type.LONG,
                        0L,
                        Range.atLeast(0),
                        Importance.LOW,
                        Width.SHORT,
                        "Tokens per minute",
                        "Bedrock's tokens-per-minute quota for this task to stay under, 0 (the default) for none "
                                + "given (the task then learns a budget from Bedrock's 'Too many tokens' throttles, "
                                + "see rate.tokens.learn). Counted as "
                                + "Bedrock counts it: a call reserves its input tokens (estimated from the request "
                                + "body: one per 4 ASCII bytes plus one per other character) plus its max tokens "
                                + "when it starts, and starts only when that fits; when it ends it settles to the "
                                + "reported input plus output tokens x rate.tokens.output.weights, giving back the "
                                + "rest. A throttled attempt gives its whole reservation back. A request whose own "
                                + "max tokens exceed this is dead-lettered at once (ExceedsTokenQuota). With several "
                                + "tasks, give each its share of the quota.",
                        null,
                        List.of(RATE_TOKENS_OUTPUT_WEIGHTS, RATE_TOKENS_DEFAULT_MAX_TOKENS, RATE_TOKENS_LEARN))
                .define(
                        RATE_TOKENS_LEARN,
                        Type.BOOLEAN,
                        true,
                        null,
                        Importance.LOW,
                        Width.SHORT,
                        "Learn the token budget",
                        "Without rate.tokens.per.minute: whether the task learns a tokens-per-minute budget from "
                                + "throttling. Nothing is limited until Bedrock first answers 'Too many tokens'; "
                                + "then the budget is 0.9 x what the task used in the last minute (tokens settled "
                                + "plus reservations held), counted and reserved like rate.tokens.per.minute; each "
                                + "later such throttle (of a call started under the budget) cuts it by 15%, each "
                                + "minute without one in which the budget was at least 80% used adds 3% of the "
                                + "highest budget learned or cut from (x1.5 instead, until a cut, for a first "
                                + "budget learned in the task's first minute). Other throttles (e.g. 'Too many requests', "
                                + "the daily quota's 'Too many tokens per day') teach nothing. false: the adaptive concurrency limit alone reacts to throttling.")
                .define(
                        RATE_TOKENS_OUTPUT_WEIGHTS,
                        Type.STRING,
                        OutputTokenWeights.BEDROCK_BURNDOWN,
                        new OutputWeights(),
                        Importance.LOW,
                        Width.LONG,
                        "Output token weights",
                        "With rate.tokens.per.minute or a learned budget: how many quota tokens one output token "
                                + "burns, per model "
                                + "(Bedrock's burndown rate, 5 for Claude 3.7 Sonnet and the Claude 4 models), as "
                                + "comma-separated pattern:weight entries, e.g. "
                                + "'*anthropic.claude-sonnet-4*:5,*anthropic.claude-opus-4*:5'. A pattern is a "
                                + "model id where * matches anything, compared with the whole bedrock.model.id, "
                                + "case-insensitively; the weight (1 to 100) follows the last colon; the first "
                                + "matching entry wins; other models weigh 1. The default is Bedrock's documented burndown, "
                                + "5 for Claude 3.7 Sonnet, Sonnet 4 and Opus 4 (4.x included); empty: every "
                                + "model 1.")
                .define(
                        RATE_TOKENS_DEFAULT_MAX_TOKENS,
                        Type.LONG,
                        4096L,
                        Range.atLeast(1),
                        Importance.LOW,
                        Width.SHORT,
                        "Default max tokens",
                        "With rate.tokens.per.minute or a learned budget: the max tokens reserved for a request "
                                + "whose body sets none "
                                + "(Bedrock then reserves the model's own maximum output, so set this to it). "
                                + "Default 4096.")
                .define(
                        ADAPTIVE_CONCURRENCY,
                        Type.BOOLEAN,
                        true,
                        null,
                        Importance.LOW,
                        Width.SHORT,
                        "Adaptive concurrency",
                        "Whether throttling lowers the task's concurrency (additive increase, multiplicative "
                                + "decrease) below max.in.flight.requests and successes raise it again. Default true.");
    }

    private static void defineErrors(ConfigDef def) {
        List<String> actions = Choice.names(SetupErrorAction.class);
        new Group(def, GROUP_ERRORS)
                .define(
                        SETUP_ERROR_ACTION,
                        Type.STRING,
                        SetupErrorAction.FAIL.configName(),
                        OneOf.of(actions),
                        Importance.MEDIUM,
                        Width.SHORT,
                        "Setup error action",
                        "What to do when Bedrock reports the setup is wrong (AccessDeniedException, "
                                + "ResourceNotFoundException, bad credentials): 'fail' (the default) fails the task "
                                + "with a message saying what to fix; 'dlq' dead-letters the record like any other "
                                + "failed request (the sink needs errors.tolerance=all and a dead-letter topic, the source "
                                + "connector source.dlq.topic).",
                        new EnumRecommender(actions));
    }
}
