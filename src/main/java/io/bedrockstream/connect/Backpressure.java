package io.bedrockstream.connect;

/**
 * When a task stops reading request records: it pauses at twice the in-flight limit of unfinished requests and
 * resumes at three quarters of that, while the engine still has queued requests, so it never idles waiting for
 * the next fetch. Only the decision lives here; the task applies it to whatever partitions it owns at the time,
 * and applies the current state to partitions assigned later.
 */
final class Backpressure {
    enum Change {
        PAUSE,
        RESUME,
        NONE
    }

    private final int pauseAt;
    private final int resumeAt;
    private boolean paused;

    Backpressure(int maxInFlightRequests) {
        this.pauseAt = 2 * maxInFlightRequests;
        this.resumeAt = pauseAt * 3 / 4;
    }

    /** @param unfinished requests accepted and not yet finished */
    Change update(int unfinished) {
        if (!paused && unfinished >= pauseAt) {
            paused = true;
            return Change.PAUSE;
        }
        if (paused && unfinished <= resumeAt) {
            paused = false;
            return Change.RESUME;
        }
        return Change.NONE;
    }

    boolean paused() {
        return paused;
    }
}
