package io.bedrockstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectRestTest {

    @Test
    void failureTraceKeepsTheExceptionAndItsCausesWithoutFrames() {
        String trace = String.join(
                "\n",
                "org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.",
                "\tat org.apache.kafka.connect.runtime.WorkerSinkTask.deliverMessages(WorkerSinkTask.java:658)",
                "Caused by: org.apache.kafka.connect.errors.ConnectException: could not load AWS credentials",
                "\tat io.bedrockstream.connect.BedrockSinkTask.finished(BedrockSinkTask.java:347)",
                "\t... 12 more",
                "");

        assertThat(ConnectRest.causes(trace).lines().toList())
                .containsExactly(
                        "  org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.",
                        "  Caused by: org.apache.kafka.connect.errors.ConnectException: could not load AWS credentials",
                        "  (stack frames: GET /connectors/{name}/status or the worker log)");
    }
}
