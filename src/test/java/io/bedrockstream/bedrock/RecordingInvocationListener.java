package io.bedrockstream.bedrock;

import io.bedrockstream.model.ParsedChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Records one invocation's events and checks the listener contract as they come. */
final class RecordingInvocationListener implements InvocationListener {
    final List<String> raw = new ArrayList<>();
    final List<ParsedChunk> chunks = new ArrayList<>();
    final List<String> violations = new ArrayList<>();
    final CompletableFuture<Object> terminal = new CompletableFuture<>();
    private int terminals;
    private boolean inCall;

    @Override
    public synchronized void onChunk(long seq, String rawChunkJson, ParsedChunk chunk) {
        enter();
        if (seq != chunks.size()) {
            violations.add("seq " + seq + " after " + chunks.size() + " chunks");
        }
        if (terminals > 0) {
            violations.add("chunk after terminal");
        }
        raw.add(rawChunkJson);
        chunks.add(chunk);
        inCall = false;
    }

    @Override
    public synchronized void onComplete(InvocationResult result) {
        end(result);
    }

    @Override
    public synchronized void onFailure(InvocationFailure failure) {
        end(failure);
    }

    private void end(Object t) {
        enter();
        if (++terminals > 1) {
            violations.add("second terminal " + t);
        }
        terminal.complete(t);
        inCall = false;
    }

    private void enter() {
        if (inCall) {
            violations.add("overlapping calls");
        }
        inCall = true;
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        synchronized (this) {
            for (ParsedChunk c : chunks) {
                if (c.text() != null) {
                    sb.append(c.text());
                }
            }
        }
        return sb.toString();
    }
}
