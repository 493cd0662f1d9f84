package io.bedrockstream.connect;

import io.bedrockstream.engine.RequestOutcome;
import io.bedrockstream.request.SourceCoordinates;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One accepted request record until it is finished: its outcome is known and every record written for it
 * (chunks, terminals, completion) has been acknowledged by the broker. Only then may its offset be committed.
 */
final class PendingRequest {
    final SourceCoordinates key;
    final SinkRecord record;
    final String requestId;
    final long acceptedNanos = System.nanoTime();

    private int unacked;
    private RequestOutcome outcome;
    private boolean finished;
    /** Why an output record of this request could not be written (e.g. larger than max.request.size). */
    private String outputFailure;

    PendingRequest(SourceCoordinates key, SinkRecord record, String requestId) {
        this.key = key;
        this.record = record;
        this.requestId = requestId;
    }

    synchronized void sending() {
        unacked++;
    }

    /** @return true exactly once: when the outcome is known and nothing is left unacknowledged */
    synchronized boolean acked() {
        unacked--;
        return tryFinish();
    }

    /** @return true exactly once: when the outcome is known and nothing is left unacknowledged */
    synchronized boolean outcome(RequestOutcome o) {
        outcome = o;
        return tryFinish();
    }

    synchronized RequestOutcome outcome() {
        return outcome;
    }

    /** An output record of this request was refused for its own content; the request is dead-lettered. */
    synchronized void outputFailed(String reason) {
        if (outputFailure == null) {
            outputFailure = reason;
        }
    }

    synchronized String outputFailure() {
        return outputFailure;
    }

    private boolean tryFinish() {
        if (finished || outcome == null || unacked > 0) {
            return false;
        }
        finished = true;
        return true;
    }
}
