package io.bedrockstream.connect.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Empty, or an absolute http/https URI with a host (what the SDK's endpoint override accepts). */
public final class HttpUriOrEmpty implements ConfigDef.Validator {

    @Override
    public void ensureValid(String name, Object value) {
        String s = value == null ? "" : value.toString().trim();
        if (s.isEmpty()) {
            return;
        }
        URI uri;
        try {
            uri = new URI(s);
        } catch (URISyntaxException e) {
            throw new ConfigException(
                    name, value, "Must be an absolute http:// or https:// URI: " + e.getReason() + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new ConfigException(
                    name,
                    value,
                    "Must be an absolute http:// or https:// URI with a host, "
                            + "e.g. https://bedrock-runtime.us-east-1.amazonaws.com.");
        }
    }

    @Override
    public String toString() {
        return "\"\" or an absolute http:// or https:// URI";
    }
}
