package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class LeanJsonConverterTest {
    static final Schema FLAT = SchemaBuilder.struct()
            .name("x.Flat")
            .field("s", Schema.STRING_SCHEMA)
            .field("n", Schema.OPTIONAL_INT64_SCHEMA)
            .field("b", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("i", Schema.INT32_SCHEMA)
            .field("t", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    static final Schema NESTED = SchemaBuilder.struct()
            .name("x.Nested")
            .field("inner", FLAT)
            .field("o", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    static LeanJsonConverter lean(Map<String, ?> configs) {
        LeanJsonConverter c = new LeanJsonConverter();
        c.configure(configs, false);
        return c;
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void writesBareJsonWithoutNullFieldsByDefault() {
        Struct s = new Struct(FLAT).put("s", "h\"i").put("i", 3).put("b", true);
        assertThat(str(lean(Map.of()).fromConnectData("t", FLAT, s)))
                .isEqualTo("{\"s\":\"h\\\"i\",\"b\":true,\"i\":3}");
    }

    @Test
    void dropsNullsInNestedStructsToo() {
        Struct s =
                new Struct(NESTED).put("inner", new Struct(FLAT).put("s", "a").put("i", 1));
        assertThat(str(lean(Map.of()).fromConnectData("t", NESTED, s))).isEqualTo("{\"inner\":{\"s\":\"a\",\"i\":1}}");
    }

    @Test
    void withSchemasEnabledWritesExactlyWhatJsonConverterWrites() {
        Struct s = new Struct(FLAT).put("s", "a").put("i", 1);
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "true"), false);
        assertThat(lean(Map.of("schemas.enable", "true")).fromConnectData("t", FLAT, s))
                .isEqualTo(json.fromConnectData("t", FLAT, s));
    }

    @Test
    void readsBackWhatItWrote() {
        Struct s = new Struct(FLAT).put("s", "a").put("i", 1).put("n", 5L);
        LeanJsonConverter c = lean(Map.of());
        assertThat(c.toConnectData("t", c.fromConnectData("t", FLAT, s)).value())
                .isEqualTo(Map.of("s", "a", "i", 1L, "n", 5L));
    }
}
