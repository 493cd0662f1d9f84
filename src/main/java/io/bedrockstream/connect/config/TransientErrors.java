package io.bedrockstream.connect.config;

import io.bedrockstream.bedrock.ErrorClassifier;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Which transient errors are retried ({@code retry.transient.errors}): all, none, or the named error types.
 * Names compare ignoring case because Bedrock spells the same error {@code ModelStreamErrorException} as an
 * HTTP error and {@code modelStreamErrorException} as a stream event.
 */
public final class TransientErrors {
    public static final String ALL = "all";
    public static final String NONE = "none";
    /** The error types a list may name: {@link ErrorClassifier}'s. */
    public static final List<String> KNOWN = ErrorClassifier.TRANSIENT_ERROR_TYPES;

    private final boolean all;
    private final Set<String> names;

    private TransientErrors(boolean all, Set<String> names) {
        this.all = all;
        this.names = names;
    }

    public static TransientErrors parse(List<String> values) {
        if (values.size() == 1 && values.get(0).trim().equalsIgnoreCase(ALL)) {
            return new TransientErrors(true, Set.of());
        }
        if (values.isEmpty() || values.size() == 1 && values.get(0).trim().equalsIgnoreCase(NONE)) {
            return new TransientErrors(false, Set.of());
        }
        return new TransientErrors(
                false, values.stream().map(TransientErrors::norm).collect(Collectors.toCollection(TreeSet::new)));
    }

    /** True if a transient failure with this error type may be retried. Throttling is always retried elsewhere. */
    public boolean retries(String errorType) {
        return all || errorType != null && names.contains(norm(errorType));
    }

    public boolean all() {
        return all;
    }

    /** The retried error types, lower-cased; empty when all or none. */
    public Set<String> names() {
        return names;
    }

    private static String norm(String s) {
        return s.trim().toLowerCase(Locale.ROOT);
    }

    /** Validates the LIST value. */
    public static final class Validator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> values = (List<String>) value;
            if (values == null || values.isEmpty()) {
                return;
            }
            boolean keyword = values.stream()
                    .anyMatch(v -> v.trim().equalsIgnoreCase(ALL) || v.trim().equalsIgnoreCase(NONE));
            if (keyword && values.size() > 1) {
                throw new ConfigException(name, value, "Use 'all' or 'none' alone, or a list of error types.");
            }
            if (keyword) {
                return;
            }
            Set<String> known = KNOWN.stream().map(TransientErrors::norm).collect(Collectors.toSet());
            for (String v : values) {
                if (!known.contains(norm(v))) {
                    throw new ConfigException(
                            name,
                            value,
                            "Unknown error type '" + v + "'. Use 'all', 'none' or any of " + String.join(", ", KNOWN)
                                    + ".");
                }
            }
        }

        @Override
        public String toString() {
            return "all, none, or a list of: " + String.join(", ", KNOWN);
        }
    }
}
