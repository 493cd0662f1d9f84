package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.engine.RequestOutcome;
import io.bedrockstream.request.SourceCoordinates;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingRequestTest {
    private static final RequestOutcome DONE = new RequestOutcome(null, 1, List.of("i-1"), "text", null, null);

    private static PendingRequest request() {
        return new PendingRequest(new SourceCoordinates("in", 0, 7), null, "r-1");
    }

    @Test
    void finishesOnlyWhenTheOutcomeIsKnownAndEveryRecordIsAcknowledged() {
        PendingRequest p = request();
        p.sending();
        p.sending();
        assertThat(p.acked()).isFalse();
        assertThat(p.outcome(DONE)).isFalse(); // one record still unacknowledged
        assertThat(p.acked()).isTrue();
    }

    @Test
    void finishesOnTheOutcomeWhenEverythingWasAlreadyAcknowledged() {
        PendingRequest p = request();
        p.sending();
        assertThat(p.acked()).isFalse(); // no outcome yet
        assertThat(p.outcome(DONE)).isTrue();
    }

    @Test
    void finishesExactlyOnce() {
        PendingRequest p = request();
        assertThat(p.outcome(DONE)).isTrue();
        p.sending();
        assertThat(p.acked()).isFalse();
        assertThat(p.outcome(DONE)).isFalse();
    }
}
