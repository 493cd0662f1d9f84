package io.bedrockstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostClasspathTest {

    private static final Path PROJECT = Path.of("/work/project");
    private static final Path M2 = Path.of("/home/u/.m2/repository");

    @Test
    void workerLosesTheProjectAndWhatThePluginBundlesButKeepsKafka() {
        Path classes = PROJECT.resolve("target/classes");
        Path testClasses = PROJECT.resolve("target/test-classes");
        Path projectJar = PROJECT.resolve("target/kafka-connect-bedrock-stream-0.1.0-SNAPSHOT.jar");
        Path installedJar = M2.resolve(
                "io/bedrockstream/kafka-connect-bedrock-stream/0.1.0/kafka-connect-bedrock-stream-0.1.0.jar");
        Path sdk = M2.resolve("software/amazon/awssdk/bedrockruntime/2.57.8/bedrockruntime-2.57.8.jar");
        Path netty = M2.resolve("io/netty/netty-codec-http2/4.1.138.Final/netty-codec-http2-4.1.138.Final.jar");
        Path streams = M2.resolve("org/reactivestreams/reactive-streams/1.0.4/reactive-streams-1.0.4.jar");
        Path kafkaTestJar = M2.resolve("org/apache/kafka/connect-runtime/4.3.1/connect-runtime-4.3.1-test.jar");
        Path runtime = M2.resolve("org/apache/kafka/connect-runtime/4.3.1/connect-runtime-4.3.1.jar");
        Path jackson = M2.resolve("com/fasterxml/jackson/core/jackson-databind/2.20.0/jackson-databind-2.20.0.jar");
        Path slf4j = M2.resolve("org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar");

        HostClasspath.Filtered filtered = HostClasspath.forWorker(
                List.of(
                        testClasses,
                        classes,
                        projectJar,
                        sdk,
                        netty,
                        streams,
                        runtime,
                        jackson,
                        kafkaTestJar,
                        installedJar,
                        slf4j),
                PROJECT);

        assertThat(filtered.kept()).containsExactly(runtime, jackson, slf4j);
        assertThat(filtered.removed())
                .containsExactly(testClasses, classes, projectJar, sdk, netty, streams, kafkaTestJar, installedJar);
    }

    @Test
    void thisJvmsClasspathIsFoundAndHoldsKafka() {
        assertThat(HostClasspath.entries())
                .anyMatch(p -> p.getFileName().toString().startsWith("kafka-clients-"))
                .anyMatch(p -> p.endsWith(Path.of("target", "test-classes")));
    }
}
