package io.bedrockstream.connect;

import static io.bedrockstream.connect.config.BedrockConnectorConfig.MODEL_ID;
import static io.bedrockstream.connect.config.BedrockConnectorConfig.REGION;
import static io.bedrockstream.connect.config.BedrockConnectorConfig.SETUP_ERROR_ACTION;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.connect.config.BedrockConnectorConfig;
import io.bedrockstream.connect.config.Choice;
import io.bedrockstream.engine.RequestOutcome;
import java.util.Optional;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Which failed requests fail the task rather than go to the dead-letter topic. Only Bedrock refusing the
 * connector's own setup does (credentials, permissions, the configured model), and only with
 * {@code setup.error.action=fail}: restarting cannot help, and every later request would fail the same way.
 * A failure caused by one record's content is dead-lettered, never a crash loop: that includes a per-record model
 * override that the service refuses (access denied, no such model), because other records still work.
 */
final class SetupErrors {
    private SetupErrors() {}

    /** The error that fails the task for this outcome, or empty when the request is dead-lettered instead. */
    static Optional<ConnectException> taskFailure(RequestOutcome outcome, BedrockConnectorConfig config, String where) {
        if (outcome.completed()
                || outcome.failure().kind() != ErrorKind.CONFIGURATION
                || config.setupErrorAction() != Choice.SetupErrorAction.FAIL
                || !config.modelId().equals(outcome.request().modelId())) {
            return Optional.empty();
        }
        return Optional.of(new ConnectException("Bedrock refused request "
                + outcome.request().requestId() + where
                + " because of the connector's setup, so the task stops (" + SETUP_ERROR_ACTION + "=fail): "
                + outcome.failure().errorType() + ": " + outcome.failure().message()
                + ". Fix the credentials, permissions, " + MODEL_ID + " or " + REGION + ", then restart the task; "
                + "set " + SETUP_ERROR_ACTION + "=dlq to dead-letter such requests instead"));
    }
}
