package io.bedrockstream.docker;

/**
 * The images the container path runs, pinned to exact versions: docker-compose.yml, docker/assembler/Dockerfile
 * and the docker tier use these and no others (DockerImagesTest checks the files against this list).
 * Tags only, not digests: digests could not be looked up from the project's build machine (no Docker, no
 * registry access); tags of released versions are not re-pointed by these publishers in practice.
 */
public final class DockerImages {

    /**
     * Broker, Connect worker and emulator runtime. The Kafka release the project builds and tests against
     * (the pom's kafka.version); the Apache Kafka project publishes apache/kafka:&lt;version&gt; for every release
     * since 3.7.0. Connect's GET /health, which the compose health check calls, exists since 3.9 (KIP-1017).
     */
    public static final String KAFKA = "apache/kafka:4.3.1";
    /** ksqlDB 0.29 line; 0.25+ (Confluent Platform 7.2+) is needed for EARLIEST_BY_OFFSET(STRUCT(...)). */
    public static final String KSQLDB_SERVER = "confluentinc/cp-ksqldb-server:7.9.0";

    public static final String KSQLDB_CLI = "confluentinc/cp-ksqldb-cli:7.9.0";
    /** The one-shot set-up services: busybox sh and tools plus curl (Alpine-based). */
    public static final String CURL = "curlimages/curl:8.10.1";
    /** The assembler's runtime: Ubuntu 22.04 (glibc, libstdc++), so that RocksDB's JNI library loads. */
    public static final String ASSEMBLER_JRE = "eclipse-temurin:17.0.15_6-jre-jammy";

    /** The oldest Confluent Platform whose ksqlDB (0.25) has EARLIEST_BY_OFFSET over a STRUCT. */
    public static final int[] KSQLDB_MIN_CP_VERSION = {7, 2};

    private DockerImages() {}

    /** The tag of an image reference: "4.3.1" for "apache/kafka:4.3.1". */
    public static String tag(String image) {
        return image.substring(image.lastIndexOf(':') + 1);
    }
}
