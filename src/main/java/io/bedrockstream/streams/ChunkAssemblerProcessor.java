package io.bedrockstream.streams;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers each invocation's chunks until its {@code complete} terminal and every chunk before it have
 * arrived, in any order, then forwards one {@link AnswerRecord} keyed by request id. Duplicates are
 * recognised by (invocation id, seq); a request that has been answered once is never answered again.
 */
final class ChunkAssemblerProcessor implements Processor<String, ChunkRecord, String, AnswerRecord> {
    private static final Logger log = LoggerFactory.getLogger(ChunkAssemblerProcessor.class);

    private final ChunkAssembler.Options options;
    private ProcessorContext<String, AnswerRecord> context;
    private KeyValueStore<String, InvocationState> invocations;
    private KeyValueStore<Bytes, String> chunks;
    private KeyValueStore<String, Long> answered;

    ChunkAssemblerProcessor(ChunkAssembler.Options options) {
        this.options = options;
    }

    @Override
    public void init(ProcessorContext<String, AnswerRecord> context) {
        this.context = context;
        this.invocations = context.getStateStore(ChunkAssembler.INVOCATIONS_STORE);
        this.chunks = context.getStateStore(ChunkAssembler.CHUNKS_STORE);
        this.answered = context.getStateStore(ChunkAssembler.ANSWERED_STORE);
        context.schedule(options.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    @Override
    public void process(Record<String, ChunkRecord> record) {
        ChunkRecord c = record.value();
        String requestId = c == null || c.requestId() == null ? record.key() : c.requestId();
        if (c == null
                || requestId == null
                || c.invocationId() == null
                || c.seq() < 0
                || !(c.isChunk() || c.isComplete() || c.isError())) {
            log.warn(
                    "Skipping a record that is not a usable output record (key {}, event {})",
                    record.key(),
                    c == null ? null : c.event());
            return;
        }
        String invocationId = c.invocationId();
        InvocationState state = invocations.get(invocationId);
        if (answered.get(requestId) != null) {
            // Late duplicates, or a re-run after a restart: the request already has its answer.
            if (state != null) {
                discard(invocationId);
            }
            return;
        }
        long now = context.currentSystemTimeMs();
        if (state == null) {
            state = InvocationState.start(c, requestId, now);
        }
        if (state.hasFailed()) {
            return;
        }
        if (c.isError()) {
            deleteChunks(invocationId);
            invocations.put(invocationId, state.asFailed(c, now));
            return;
        }
        if (c.isComplete()) {
            if (state.hasTerminal()) {
                return;
            }
            state = state.withTerminal(c, now);
        } else {
            Bytes key = ChunkKey.of(invocationId, c.seq());
            if ((state.hasTerminal() && c.seq() >= state.terminalSeq()) || chunks.get(key) != null) {
                return;
            }
            // An empty string marks a chunk without text as received; it adds nothing to the answer.
            chunks.put(key, ConverseParts.entry(c));
            state = state.withChunk(now);
        }
        if (!state.mayBeAssembled() || !tryAnswer(invocationId, state, record)) {
            invocations.put(invocationId, state);
        }
    }

    /** Forwards the answer if chunks 0..k-1 are all there; returns whether it did. */
    private boolean tryAnswer(String invocationId, InvocationState state, Record<String, ChunkRecord> cause) {
        long count = state.terminalSeq();
        ConverseParts parts = new ConverseParts();
        long seen = 0;
        if (count > 0) {
            try (KeyValueIterator<Bytes, String> it =
                    chunks.range(ChunkKey.first(invocationId), ChunkKey.of(invocationId, count - 1))) {
                while (it.hasNext()) {
                    parts.add(it.next().value);
                    seen++;
                }
            }
        }
        if (seen != count) {
            return false;
        }
        AnswerRecord answer = new AnswerRecord(
                state.requestId(),
                invocationId,
                state.modelId(),
                state.attempt(),
                parts.text(),
                state.stopReason(),
                state.inputTokens(),
                state.outputTokens(),
                count,
                state.sourceTopic(),
                state.sourcePartition(),
                state.sourceOffset(),
                parts.reasoning(),
                parts.signature(),
                parts.toolCalls().isEmpty() ? null : parts.toolCalls());
        answered.put(state.requestId(), context.currentSystemTimeMs());
        discard(invocationId);
        context.forward(new Record<>(state.requestId(), answer, cause.timestamp()));
        return true;
    }

    private void discard(String invocationId) {
        deleteChunks(invocationId);
        invocations.delete(invocationId);
    }

    private void deleteChunks(String invocationId) {
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, String> it =
                chunks.range(ChunkKey.first(invocationId), ChunkKey.last(invocationId))) {
            it.forEachRemaining(entry -> keys.add(entry.key));
        }
        keys.forEach(chunks::delete);
    }

    /** Drops invocations that made no progress for the idle timeout, and forgets old answered request ids. */
    private void expire(long nowMs) {
        List<KeyValue<String, InvocationState>> idle = new ArrayList<>();
        try (KeyValueIterator<String, InvocationState> it = invocations.all()) {
            it.forEachRemaining(entry -> {
                if (nowMs - entry.value.lastProgressMs()
                        >= options.invocationIdleTimeout().toMillis()) {
                    idle.add(entry);
                }
            });
        }
        for (KeyValue<String, InvocationState> entry : idle) {
            if (!entry.value.hasFailed()) {
                log.info(
                        "Dropping incomplete invocation {} of request {} after {} with no progress ({} chunks, "
                                + "terminal seq {})",
                        entry.key,
                        entry.value.requestId(),
                        options.invocationIdleTimeout(),
                        entry.value.chunkCount(),
                        entry.value.terminalSeq());
            }
            discard(entry.key);
        }
        List<String> forgotten = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = answered.all()) {
            it.forEachRemaining(entry -> {
                if (nowMs - entry.value >= options.answeredRetention().toMillis()) {
                    forgotten.add(entry.key);
                }
            });
        }
        forgotten.forEach(answered::delete);
    }
}
