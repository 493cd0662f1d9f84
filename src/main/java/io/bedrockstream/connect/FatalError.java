package io.bedrockstream.connect;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An error that must fail the task, raised on any thread (SDK, producer, writer) and thrown on the task thread,
 * where Connect expects it. The first one raised wins; later ones are logged only.
 */
final class FatalError {
    private static final Logger log = LoggerFactory.getLogger(FatalError.class);

    private final AtomicReference<ConnectException> error = new AtomicReference<>();

    void raise(ConnectException e) {
        if (!error.compareAndSet(null, e)) {
            log.debug("A further error while the task is already failing: {}", e.getMessage());
        }
    }

    boolean raised() {
        return error.get() != null;
    }

    /** Throws the raised error, if any; call on the task thread only. */
    void throwIfRaised() {
        ConnectException e = error.get();
        if (e != null) {
            throw e;
        }
    }
}
