package io.bedrockstream.engine;

import io.bedrockstream.bedrock.ErrorKind;
import io.bedrockstream.bedrock.InvocationFailure;
import io.bedrockstream.bedrock.InvocationListener;

/** Drives a listener the way StreamingInvoker does when the listener throws: the throw fails the invocation. */
final class InvocationListenerProbe {
    private InvocationListenerProbe() {}

    static void failOnThrow(InvocationListener l) {
        for (int seq = 0; seq < 3; seq++) {
            try {
                l.onChunk(seq, "{}", ScriptedInvoker.chunk("t" + seq, false));
            } catch (RuntimeException e) {
                l.onFailure(new InvocationFailure(
                        ErrorKind.TRANSIENT, "ClientError", e.toString(), null, null, null, seq + 1));
                return;
            }
        }
    }
}
