package io.bedrockstream.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

/**
 * The container path's images, checked on this machine: every image is pinned to an exact version, the files
 * agree with {@link DockerImages} (so the docker tier tests what docker-compose runs), the Kafka image is the
 * Kafka release on this build's classpath, and the ksqlDB image is new enough for config/ksqldb.
 */
class DockerImagesTest {

    private static final ProjectFiles FILES = ProjectFiles.locate();
    /** repository:version with a numeric version (x.y.z, optionally _build and a -variant), never "latest". */
    private static final String PINNED = "[a-z0-9./-]+:\\d+(\\.\\d+){1,3}(_\\d+)?(-[a-z0-9.]+)*";

    @Test
    void composeUsesExactlyThePinnedImages() {
        List<String> images = FILES.composeImages();

        assertThat(images).allSatisfy(image -> assertThat(image).matches(PINNED));
        assertThat(new LinkedHashSet<>(images))
                .containsExactlyInAnyOrder(
                        DockerImages.KAFKA, DockerImages.KSQLDB_SERVER, DockerImages.KSQLDB_CLI, DockerImages.CURL);
        assertThat(FILES.read(FILES.compose()))
                .as("no image: line takes its tag from the environment")
                .doesNotContainPattern("image:.*\\$\\{");
    }

    @Test
    void theAssemblerImageBuildsFromThePinnedKafkaAndJavaImages() {
        assertThat(FILES.assemblerBaseImages()).containsExactly(DockerImages.KAFKA, DockerImages.ASSEMBLER_JRE);
        assertThat(DockerImages.ASSEMBLER_JRE).matches(PINNED).doesNotContain("alpine");
    }

    @Test
    void theKafkaImageIsTheKafkaReleaseThisBuildTestsAgainst() {
        assertThat(DockerImages.tag(DockerImages.KAFKA)).isEqualTo(AppInfoParser.getVersion());
    }

    @Test
    void theKsqlDbImagesHaveEarliestByOffsetOverStructs() {
        for (String image : List.of(DockerImages.KSQLDB_SERVER, DockerImages.KSQLDB_CLI)) {
            int[] version = Arrays.stream(DockerImages.tag(image).split("\\."))
                    .mapToInt(Integer::parseInt)
                    .toArray();
            assertThat(Arrays.compare(version, 0, 2, DockerImages.KSQLDB_MIN_CP_VERSION, 0, 2))
                    .as("%s is Confluent Platform 7.2 or later", image)
                    .isNotNegative();
        }
        assertThat(DockerImages.tag(DockerImages.KSQLDB_CLI)).isEqualTo(DockerImages.tag(DockerImages.KSQLDB_SERVER));
    }
}
