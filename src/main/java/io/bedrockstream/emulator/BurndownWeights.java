package io.bedrockstream.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Output tokens' burndown weight against the tokens-per-minute quota, per model: {@code pattern:weight,…}, a
 * pattern being a model id where {@code *} matches any run of characters (case-insensitive, whole id), the
 * weight after the entry's last colon, the first match winning, other models weighing 1. The connector's
 * {@code rate.tokens.output.weights} uses the same syntax; the emulator keeps its own copy, as it imports nothing
 * of the connector.
 */
final class BurndownWeights {
    private record Entry(Pattern model, double weight) {}

    private final List<Entry> entries;

    private BurndownWeights(List<Entry> entries) {
        this.entries = entries;
    }

    /** @throws IllegalArgumentException on an entry without a colon, an empty pattern or a weight not in 1..100 */
    static BurndownWeights parse(String spec) {
        List<Entry> entries = new ArrayList<>();
        if (spec != null) {
            for (String raw : spec.split(",")) {
                String entry = raw.strip();
                if (entry.isEmpty()) {
                    continue;
                }
                int colon = entry.lastIndexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("'" + entry + "' is not pattern:weight");
                }
                double weight;
                try {
                    weight = Double.parseDouble(entry.substring(colon + 1).strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + entry + "': the weight is not a number");
                }
                if (!(weight >= 1 && weight <= 100)) {
                    throw new IllegalArgumentException("'" + entry + "': the weight must be from 1 to 100");
                }
                String[] parts = entry.substring(0, colon)
                        .strip()
                        .toLowerCase(Locale.ROOT)
                        .split("\\*", -1);
                StringBuilder re = new StringBuilder();
                for (int i = 0; i < parts.length; i++) {
                    re.append(i > 0 ? ".*" : "").append(Pattern.quote(parts[i]));
                }
                entries.add(new Entry(Pattern.compile(re.toString()), weight));
            }
        }
        return new BurndownWeights(List.copyOf(entries));
    }

    double weight(String modelId) {
        if (modelId != null) {
            String id = modelId.toLowerCase(Locale.ROOT);
            for (Entry e : entries) {
                if (e.model.matcher(id).matches()) {
                    return e.weight;
                }
            }
        }
        return 1;
    }
}
