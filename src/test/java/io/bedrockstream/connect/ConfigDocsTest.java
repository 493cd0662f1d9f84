package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.bedrockstream.connect.config.BedrockSinkConfig;
import io.bedrockstream.connect.config.BedrockSourceConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {

    @Test
    void committedReferenceIsUpToDate() throws Exception {
        String committed = Files.readString(ConfigDocs.DEFAULT_OUTPUT, StandardCharsets.UTF_8);
        assertThat(committed)
                .withFailMessage("docs/configuration.md is stale: run `" + ConfigDocs.COMMAND + "`")
                .isEqualTo(ConfigDocs.render());
    }

    @Test
    void readmeSummaryIsUpToDate() throws Exception {
        String readme = Files.readString(ConfigDocs.README, StandardCharsets.UTF_8);
        assertThat(readme)
                .withFailMessage("The configuration summary in README.md is stale: run `" + ConfigDocs.COMMAND + "`")
                .isEqualTo(ConfigDocs.withSummary(readme));
        for (String key : BedrockSinkConfig.configDef().names()) {
            assertThat(readme).contains("[`" + key + "`](docs/configuration.md#");
        }
        for (String key : BedrockSourceConfig.configDef().names()) {
            assertThat(readme).contains("[`" + key + "`](docs/configuration.md#");
        }
    }

    @Test
    void everyKeyHasASection() {
        String md = ConfigDocs.render();
        for (ConfigDef.ConfigKey key :
                BedrockSinkConfig.configDef().configKeys().values()) {
            assertThat(md).contains("### `" + key.name + "`\n\n" + key.documentation + "\n");
        }
        for (ConfigDef.ConfigKey key :
                BedrockSourceConfig.configDef().configKeys().values()) {
            assertThat(md).contains("### `" + key.name + "`\n\n" + key.documentation + "\n");
        }
        assertThat(md).contains("## Output producer\n\nSink connector only.");
        assertThat(md).contains("## Source\n\nSource connector only.");
        assertThat(md).contains("| Default | (required) |");
    }
}
