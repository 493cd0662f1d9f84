package io.bedrockstream.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** Collects the engine's output; checks the per-invocation contract on every event. */
final class RecordingEngineListener implements EngineListener {
    private final List<OutputEvent> events = new ArrayList<>();
    private final Map<String, RequestOutcome> outcomes = new LinkedHashMap<>();
    private final Map<String, RequestOutcome> firstOutcomeById = new java.util.HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<String, Long> nextSeq = new LinkedHashMap<>();
    private final Map<String, Boolean> terminated = new LinkedHashMap<>();

    @Override
    public synchronized void onEvent(OutputEvent e) {
        events.add(e);
        long expected = nextSeq.getOrDefault(e.invocationId(), 0L);
        if (e.seq() != expected) {
            violations.add("seq " + e.seq() + " expected " + expected + " in " + e);
        }
        if (terminated.getOrDefault(e.invocationId(), false)) {
            violations.add("event after terminal: " + e);
        }
        nextSeq.put(e.invocationId(), expected + 1);
        if (e.isTerminal()) {
            terminated.put(e.invocationId(), true);
        }
        if (outcomes.containsKey(e.requestId() + "#" + e.sourceOffset())) {
            violations.add("event after outcome: " + e);
        }
        notifyAll();
    }

    @Override
    public synchronized void onOutcome(RequestOutcome outcome) {
        String key = outcome.request().requestId() + "#" + outcome.request().sourceOffset();
        firstOutcomeById.putIfAbsent(outcome.request().requestId(), outcome);
        if (outcomes.put(key, outcome) != null) {
            violations.add("second outcome for " + key);
        }
        for (String id : outcome.invocationIds()) {
            if (!terminated.getOrDefault(id, false)) {
                violations.add("outcome before terminal of " + id);
            }
        }
        notifyAll();
    }

    synchronized List<OutputEvent> events() {
        return List.copyOf(events);
    }

    synchronized List<OutputEvent> eventsOf(String requestId) {
        return events.stream().filter(e -> e.requestId().equals(requestId)).collect(Collectors.toList());
    }

    synchronized RequestOutcome outcome(String requestId) {
        return firstOutcomeById.get(requestId);
    }

    synchronized int outcomeCount() {
        return outcomes.size();
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized void awaitOutcomes(int n, Duration timeout) throws InterruptedException, TimeoutException {
        long end = System.nanoTime() + timeout.toNanos();
        while (outcomes.size() < n) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException(
                        "only " + outcomes.size() + " of " + n + " outcomes; events: " + events.size());
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    synchronized void awaitEvents(int n, Duration timeout) throws InterruptedException, TimeoutException {
        long end = System.nanoTime() + timeout.toNanos();
        while (events.size() < n) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("only " + events.size() + " of " + n + " events");
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
