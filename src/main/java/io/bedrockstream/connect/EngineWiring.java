package io.bedrockstream.connect;

import io.bedrockstream.bedrock.BedrockClientFactory;
import io.bedrockstream.bedrock.BedrockClientSettings;
import io.bedrockstream.bedrock.CredentialsSettings;
import io.bedrockstream.bedrock.StreamingInvoker;
import io.bedrockstream.connect.config.BedrockConnectorConfig;
import io.bedrockstream.connect.config.Choice;
import io.bedrockstream.engine.EngineSettings;
import io.bedrockstream.model.ChunkParsers;
import io.bedrockstream.model.ModelFamily;
import io.bedrockstream.request.RequestMapper;
import io.bedrockstream.request.RequestMappingSettings;
import io.bedrockstream.request.RequestMetadata;
import java.time.Duration;
import java.util.LinkedHashSet;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.ConnectException;

/** Turns a connector config into the settings of the layers below; the only place that knows both. */
final class EngineWiring {
    private EngineWiring() {}

    /** The request mapper of a task; a mapping the config cannot build fails the task with the reason. */
    static RequestMapper mapper(BedrockConnectorConfig c) {
        try {
            return new RequestMapper(requestMapping(c));
        } catch (IllegalArgumentException e) {
            throw new ConnectException("Invalid request mapping: " + e.getMessage(), e);
        }
    }

    /** A streaming invoker owning a new SDK client; closing it closes the client. */
    static StreamingInvoker invoker(BedrockConnectorConfig c) {
        return new StreamingInvoker(BedrockClientFactory.create(client(c)), ChunkParsers::forFamily, true);
    }

    static RequestMappingSettings requestMapping(BedrockConnectorConfig c) {
        return RequestMappingSettings.builder(c.modelId())
                .mode(c.requestMode())
                .template(c.requestTemplate().orElse(null))
                .promptPointer(c.promptPointer())
                .systemPointer(c.systemPointer().orElse(null))
                .systemPrompt(c.systemPrompt().orElse(null))
                .maxTokens(c.maxTokens())
                .temperature(c.temperature().orElse(null))
                .topP(c.topP().orElse(null))
                .stopSequences(c.stopSequences())
                .idSource(c.requestIdSource())
                .idHeader(c.requestIdHeader().orElse(null))
                .idPointer(c.requestIdPointer().orElse(null))
                .familyOverride(c.modelFamily().map(ModelFamily::configName).orElse(null))
                .modelOverrideHeader(c.modelOverrideHeader().orElse(null))
                .allowedModelOverrides(new LinkedHashSet<>(c.allowedModels()))
                .maxBytes(c.requestMaxBytes())
                .contentType(c.requestContentType())
                .accept(c.requestAccept())
                .guardrailIdentifier(c.guardrailIdentifier().orElse(null))
                .guardrailVersion(c.guardrailVersion().orElse(null))
                .trace(c.trace().orElse(null))
                .performanceConfigLatency(c.performanceLatency().orElse(null))
                .api(c.api())
                .serviceTier(c.serviceTier().orElse(null))
                .guardrailStreamProcessingMode(c.guardrailStreamMode().orElse(null))
                .cacheSystemPrompt(c.cacheSystemPrompt())
                .metadata(RequestMetadata.parse(c.requestMetadata(), BedrockConnectorConfig.REQUEST_METADATA))
                .metadataHeaders(RequestMetadata.parse(
                        c.requestMetadataHeaders(), BedrockConnectorConfig.REQUEST_METADATA_HEADERS))
                .build();
    }

    static EngineSettings engine(BedrockConnectorConfig c) {
        return EngineSettings.builder()
                .maxInFlight(c.maxInFlightRequests())
                .retryMaxAttempts(c.retryMaxAttempts())
                .retryThrottlingMaxAttempts(c.retryThrottlingMaxAttempts())
                .retryBackoffMs(c.retryBackoff().toMillis())
                .retryBackoffMaxMs(c.retryBackoffMax().toMillis())
                .retryDeadlineMs(c.retryDeadline().map(Duration::toMillis).orElse(Long.MAX_VALUE / 4))
                // all: retry every transient type (empty set); none: retry none; else exactly the listed types
                .retryTransient(c.retryTransientErrors().all()
                        || !c.retryTransientErrors().names().isEmpty())
                .retryableErrorTypes(c.retryTransientErrors().names())
                .perKeyOrdering(c.requestOrdering() == Choice.RequestOrdering.KEY)
                .requestsPerMinute(c.rateRequestsPerMinute())
                .tokensPerMinute(c.rateTokensPerMinute())
                .quota(new EngineSettings.Quota(
                        c.rateTokensOutputWeights(),
                        c.rateTokensDefaultMaxTokens(),
                        EngineSettings.Quota.DEFAULTS.windowMs(),
                        true,
                        c.rateTokensLearn()))
                .adaptiveConcurrency(c.adaptiveConcurrencyEnabled())
                .invocationTimeoutMs(c.invocationTimeout().toMillis())
                .coalesceMs(c.outputChunkCoalesceMs())
                .coalesceMaxChars(c.outputChunkCoalesceMaxChars())
                .build();
    }

    static BedrockClientSettings client(BedrockConnectorConfig c) {
        return BedrockClientSettings.builder(c.region())
                .endpointOverride(c.endpointOverride().orElse(null))
                .httpProtocol(c.httpProtocol())
                .credentials(credentials(c))
                .connectTimeout(c.connectTimeout())
                .streamIdleTimeout(c.streamIdleTimeout())
                .invocationTimeout(c.invocationTimeout())
                // one connection per in-flight stream on HTTP/1.1; h2 multiplexes but the pool caps streams too.
                // Twice the limit: the SDK gives a finished stream back to its pool a little after the engine has
                // freed the request's slot, and a pool of exactly the limit made the next call wait for that
                // (submit → call at Bedrock p50 25 → 13 ms, p99 96 → 59 ms, EngineLatencyProbe); the engine still
                // bounds how many calls are open
                .maxConnections(2 * Math.max(c.maxInFlightRequests(), 1))
                .build();
    }

    private static CredentialsSettings credentials(BedrockConnectorConfig c) {
        return switch (c.credentialsProvider()) {
            case DEFAULT -> CredentialsSettings.defaults();
            case STATIC ->
                CredentialsSettings.staticKeys(
                        secret(c.accessKeyId().orElse(null)),
                        secret(c.secretAccessKey().orElse(null)),
                        secret(c.sessionToken().orElse(null)));
            case PROFILE -> CredentialsSettings.profile(c.profileName().orElse(null));
            case ASSUME_ROLE ->
                CredentialsSettings.assumeRole(
                        c.roleArn().orElse(null),
                        secret(c.roleExternalId().orElse(null)),
                        c.roleSessionName(),
                        c.stsEndpointOverride().orElse(null));
            case API_KEY -> CredentialsSettings.apiKey(secret(c.apiKey().orElse(null)));
        };
    }

    private static String secret(Password p) {
        return p == null || p.value() == null || p.value().isBlank() ? null : p.value();
    }
}
