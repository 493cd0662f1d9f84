package io.bedrockstream.connect.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** A DOUBLE key that may be left unset (null: the model's own default applies) or lie in [min, max]. */
public final class NullableRange implements ConfigDef.Validator {
    private final double min;
    private final double max;

    public NullableRange(double min, double max) {
        this.min = min;
        this.max = max;
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null) {
            return;
        }
        double d = ((Number) value).doubleValue();
        if (Double.isNaN(d) || d < min || d > max) {
            throw new ConfigException(name, value, "Must be between " + min + " and " + max + ", or unset.");
        }
    }

    @Override
    public String toString() {
        return "unset, or [" + min + ",...," + max + "]";
    }
}
