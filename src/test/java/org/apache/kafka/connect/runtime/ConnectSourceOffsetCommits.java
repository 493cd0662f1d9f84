package org.apache.kafka.connect.runtime;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * What Connect's at-least-once source offset logic ({@link SubmittedRecords}, package-private) would commit for
 * a task's records, for tests in this project. It lives in Connect's package only to reach that class.
 */
public final class ConnectSourceOffsetCommits {
    private ConnectSourceOffsetCommits() {}

    /** Submits every record in order, acknowledges those {@code acked} accepts, returns the committable offsets. */
    public static Map<Map<String, Object>, Map<String, Object>> committable(
            List<SourceRecord> records, Predicate<SourceRecord> acked) {
        SubmittedRecords submitted = new SubmittedRecords();
        for (SourceRecord r : records) {
            SubmittedRecords.SubmittedRecord s = submitted.submit(r);
            if (acked.test(r)) {
                s.ack();
            }
        }
        return submitted.committableOffsets().offsets();
    }
}
