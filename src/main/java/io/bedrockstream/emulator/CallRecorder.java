package io.bedrockstream.emulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Counts calls, attempts per request marker and open streams; the source of the admin view. */
final class CallRecorder {

    /** Keeps memory bounded when a benchmark sends many unmarked requests. */
    private static final int MAX_ATTEMPTS_KEPT_PER_ID = 10_000;

    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong tokenQuotaThrottles = new AtomicLong();
    private final AtomicInteger currentConcurrency = new AtomicInteger();
    private final AtomicInteger maxConcurrency = new AtomicInteger();
    private final Map<String, AtomicInteger> attemptCounters = new ConcurrentHashMap<>();
    private final Map<String, List<Attempt>> attempts = new ConcurrentHashMap<>();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicLong callsWithSessionToken = new AtomicLong();
    private final Map<String, AtomicLong> stsCalls = new ConcurrentHashMap<>();

    /** Counts a call and returns its 1-based attempt number for the marker. */
    int newAttempt(String id) {
        calls.incrementAndGet();
        return attemptCounters.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Reserves a stream slot; false when {@code limit} (0 = unlimited) streams are already open. */
    boolean openStream(int limit) {
        while (true) {
            int current = currentConcurrency.get();
            if (limit > 0 && current >= limit) {
                return false;
            }
            if (currentConcurrency.compareAndSet(current, current + 1)) {
                maxConcurrency.accumulateAndGet(current + 1, Math::max);
                return true;
            }
        }
    }

    void tokenQuotaThrottled() {
        tokenQuotaThrottles.incrementAndGet();
    }

    void closeStream() {
        currentConcurrency.decrementAndGet();
    }

    void connectionOpened() {
        openConnections.incrementAndGet();
    }

    void connectionClosed() {
        openConnections.decrementAndGet();
    }

    /** A Bedrock call signed with STS-issued credentials (valid session token, not expired) got past the check. */
    void sessionTokenCall() {
        callsWithSessionToken.incrementAndGet();
    }

    /** An STS call and how it ended: {@code ok} or the error code. */
    void stsCall(String action, String outcome) {
        stsCalls.computeIfAbsent(action + " " + outcome, k -> new AtomicLong()).incrementAndGet();
    }

    void record(String id, Attempt attempt) {
        List<Attempt> list = attempts.computeIfAbsent(id, k -> new ArrayList<>());
        synchronized (list) {
            if (list.size() < MAX_ATTEMPTS_KEPT_PER_ID) {
                list.add(attempt);
            }
        }
    }

    EmulatorStats snapshot() {
        Map<String, List<Attempt>> copy = new TreeMap<>();
        attempts.forEach((id, list) -> {
            List<Attempt> sorted;
            synchronized (list) {
                sorted = new ArrayList<>(list);
            }
            sorted.sort(Comparator.comparingInt(Attempt::attempt));
            copy.put(id, List.copyOf(sorted));
        });
        Map<String, Long> sts = new TreeMap<>();
        stsCalls.forEach((k, v) -> sts.put(k, v.get()));
        return new EmulatorStats(
                calls.get(),
                currentConcurrency.get(),
                maxConcurrency.get(),
                copy,
                tokenQuotaThrottles.get(),
                openConnections.get(),
                callsWithSessionToken.get(),
                sts);
    }

    /** Open streams and connections stay counted; the peak restarts from the open streams. */
    void reset() {
        calls.set(0);
        tokenQuotaThrottles.set(0);
        callsWithSessionToken.set(0);
        stsCalls.clear();
        attemptCounters.clear();
        attempts.clear();
        maxConcurrency.set(currentConcurrency.get());
    }
}
