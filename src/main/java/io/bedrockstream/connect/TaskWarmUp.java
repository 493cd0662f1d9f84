package io.bedrockstream.connect;

import io.bedrockstream.bedrock.Invoker;
import io.bedrockstream.connect.config.BedrockConnectorConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a task does once, in the background, right after it starts, so that its first request streams as soon as
 * later ones do: a dry run of the Bedrock call ({@link Invoker#warmUp}: credentials, endpoint, signing — nothing
 * is sent) and, for the sink, the output topics' metadata. In a fresh JVM the SDK's first {@code invoke()} took
 * 231 ms without it and 54 ms after it (the first chunk 527 → 352 ms, against the in-process emulator). Never
 * blocks {@code start()}; stopping the task interrupts it.
 */
final class TaskWarmUp {
    private static final Logger log = LoggerFactory.getLogger(TaskWarmUp.class);
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private TaskWarmUp() {}

    /** Starts the warm-up thread; {@code then} (may be null) runs after the dry run, on the same thread. */
    static Thread start(BedrockConnectorConfig config, Invoker invoker, Runnable then) {
        Thread t = new Thread(
                () -> {
                    long t0 = System.nanoTime();
                    boolean dryRun = invoker.warmUp(config.api(), config.modelId(), TIMEOUT);
                    long t1 = System.nanoTime();
                    if (then != null && !Thread.currentThread().isInterrupted()) {
                        try {
                            then.run();
                        } catch (RuntimeException e) {
                            log.debug("warm-up: {}", e.toString());
                        }
                    }
                    log.info(
                            "warm-up of {} task {}: Bedrock call path {} ms ({}){}",
                            config.connectorName(),
                            config.taskIndex(),
                            TimeUnit.NANOSECONDS.toMillis(t1 - t0),
                            dryRun ? "signed, not sent" : "stopped early",
                            then == null
                                    ? ""
                                    : ", output topics' metadata "
                                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1) + " ms");
                },
                "bedrock-warm-up-" + config.connectorName() + "-" + config.taskIndex());
        t.setDaemon(true);
        t.start();
        return t;
    }
}
