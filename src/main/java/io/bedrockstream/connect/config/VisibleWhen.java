package io.bedrockstream.connect.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Shows a key in UIs only while another key has one of some values (the secret key only for static
 * credentials, the template only in template mode), so a form shows what applies and nothing else.
 * Hidden keys still validate and still reach the connector.
 */
public final class VisibleWhen implements ConfigDef.Recommender {
    private final String parentKey;
    private final List<String> values;

    public VisibleWhen(String parentKey, String... values) {
        this.parentKey = parentKey;
        this.values =
                List.of(values).stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    @Override
    public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
        return List.of();
    }

    @Override
    public boolean visible(String name, Map<String, Object> parsedConfig) {
        Object parent = parsedConfig.get(parentKey);
        return parent != null && values.contains(parent.toString().trim().toLowerCase(Locale.ROOT));
    }
}
