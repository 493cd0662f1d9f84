package io.bedrockstream.connect;

import io.bedrockstream.connect.config.BedrockSinkConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Generates {@code docs/configuration.md} from the ConfigDefs, so the reference cannot drift from the code.
 * Run: {@value #COMMAND}
 */
public final class ConfigDocs {
    public static final Path DEFAULT_OUTPUT = Path.of("docs", "configuration.md");
    public static final String COMMAND =
            "mvn -q -o compile exec:java -Dexec.mainClass=io.bedrockstream.connect.ConfigDocs -Dexec.classpathScope=compile";

    private ConfigDocs() {
    }

    public static void main(String[] args) throws IOException {
        Path out = args.length > 0 ? Path.of(args[0]) : DEFAULT_OUTPUT;
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, render(), StandardCharsets.UTF_8);
    }

    public static String render() {
        ConfigDef def = BedrockSinkConfig.configDef();
        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
                .append("<!-- Generated from the ConfigDefs by io.bedrockstream.connect.ConfigDocs; do not edit. -->\n")
                .append("<!-- Regenerate: ").append(COMMAND).append(" -->\n\n")
                .append("Settings of `io.bedrockstream.connect.BedrockSinkConnector`, by group. Besides these:\n\n")
                .append("- `output.key.converter.*` and `output.value.converter.*` configure the output converters, ")
                .append("e.g. `output.value.converter.schemas.enable=false`.\n")
                .append("- `output.producer.*` (sink only) configures the output producer, e.g. ")
                .append("`output.producer.compression.type=zstd`; `enable.idempotence=true`, `acks=all` and ")
                .append("byte-array serializers are always forced; `linger.ms` defaults to 10 and `batch.size` ")
                .append("to 131072 unless set.\n")
                .append("- Connect's own `topics`, `topics.regex`, `errors.tolerance`, `errors.deadletterqueue.*` ")
                .append("and `errors.log.*` keep their usual meaning: failed requests go to the dead-letter topic ")
                .append("when `errors.tolerance=all`.\n")
                .append("- Password settings are hidden in logs and REST output; config providers ")
                .append("(`${file:...}`, `${env:...}`) keep them out of the connector config.\n\n");
        for (String group : def.groups()) {
            md.append("## ").append(group).append("\n\n");
            if (BedrockSinkConfig.GROUP_PRODUCER.equals(group)) {
                md.append("Sink connector only.\n\n");
            }
            List<ConfigKey> keys = def.configKeys().values().stream()
                    .filter(k -> group.equals(k.group))
                    .sorted(Comparator.comparingInt(k -> k.orderInGroup))
                    .toList();
            for (ConfigKey key : keys) {
                appendKey(md, key);
            }
        }
        return md.toString();
    }

    private static void appendKey(StringBuilder md, ConfigKey key) {
        md.append("### `").append(key.name).append("`\n\n")
                .append(key.documentation).append("\n\n")
                .append("| | |\n|---|---|\n")
                .append("| Display name | ").append(key.displayName).append(" |\n")
                .append("| Type | ").append(key.type.name().toLowerCase(Locale.ROOT)).append(" |\n")
                .append("| Default | ").append(defaultValue(key)).append(" |\n");
        if (key.validator != null) {
            md.append("| Valid values | ").append(cell(key.validator.toString())).append(" |\n");
        }
        md.append("| Importance | ").append(key.importance.name().toLowerCase(Locale.ROOT)).append(" |\n\n");
    }

    private static String defaultValue(ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        if (key.defaultValue == null) {
            return "(unset)";
        }
        String s = ConfigDef.convertToString(key.defaultValue, key.type);
        return s.isEmpty() ? "\"\"" : "`" + s + "`";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|");
    }
}
