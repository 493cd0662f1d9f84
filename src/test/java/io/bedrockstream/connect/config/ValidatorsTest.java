package io.bedrockstream.connect.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ValidatorsTest {

    static void ok(ConfigDef.Validator v, Object value) {
        assertThatCode(() -> v.ensureValid("k", value))
                .as("%s accepts %s", v, value)
                .doesNotThrowAnyException();
    }

    static void bad(ConfigDef.Validator v, Object value, String fragment) {
        assertThatThrownBy(() -> v.ensureValid("k", value))
                .as("%s rejects %s", v, value)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(fragment);
    }

    @Test
    void oneOfIgnoresCase() {
        OneOf v = OneOf.of(List.of("HTTP2", "HTTP1_1"));
        ok(v, "http2");
        ok(v, "HTTP1_1");
        bad(v, "HTTP3", "Must be one of [HTTP2, HTTP1_1]");
        bad(v, "", "Must be one of");
    }

    @Test
    void oneOfOrEmptyAcceptsEmpty() {
        OneOf v = OneOf.orEmpty(List.of("standard", "optimized"));
        ok(v, "");
        ok(v, null);
        ok(v, "OPTIMIZED");
        bad(v, "fast", "or empty");
    }

    @Test
    void httpUri() {
        HttpUriOrEmpty v = new HttpUriOrEmpty();
        ok(v, "");
        ok(v, "http://localhost:8080");
        ok(v, "https://bedrock-runtime.us-east-1.amazonaws.com");
        bad(v, "localhost:8080", "absolute http");
        bad(v, "ftp://example.com", "absolute http");
        bad(v, "/relative/path", "absolute http");
        bad(v, "http://exa mple.com", "absolute http");
    }

    @Test
    void jsonPointer() {
        JsonPointerOrEmpty v = new JsonPointerOrEmpty();
        ok(v, "");
        ok(v, "/prompt");
        ok(v, "/messages/0/content");
        bad(v, "prompt", "JSON pointer");
    }

    @Test
    void nullableRange() {
        NullableRange v = new NullableRange(0.0, 1.0);
        ok(v, null);
        ok(v, 0.0);
        ok(v, 1.0);
        bad(v, 1.5, "between 0.0 and 1.0");
        bad(v, -0.1, "between 0.0 and 1.0");
        bad(v, Double.NaN, "between");
    }

    @Test
    void patternOrEmpty() {
        PatternOrEmpty v = new PatternOrEmpty("[1-9][0-9]{0,7}|DRAFT", "a version number or DRAFT");
        ok(v, "");
        ok(v, "1");
        ok(v, "99999999");
        ok(v, "DRAFT");
        bad(v, "0", "a version number or DRAFT");
        bad(v, "123456789", "a version number or DRAFT");
        bad(v, "draft", "a version number or DRAFT");
    }

    @Test
    void transientErrors() {
        TransientErrors.Validator v = new TransientErrors.Validator();
        ok(v, List.of("all"));
        ok(v, List.of("NONE"));
        ok(v, List.of("ModelStreamErrorException", "streamidletimeout"));
        bad(v, List.of("all", "ConnectionError"), "alone");
        bad(v, List.of("ThrottlingException"), "Unknown error type 'ThrottlingException'");
    }

    @Test
    void transientErrorsDecideRetries() {
        TransientErrors all = TransientErrors.parse(List.of("all"));
        TransientErrors none = TransientErrors.parse(List.of("none"));
        TransientErrors some = TransientErrors.parse(List.of("ModelStreamErrorException", "ConnectionError"));
        org.assertj.core.api.Assertions.assertThat(all.retries("InternalServerException"))
                .isTrue();
        org.assertj.core.api.Assertions.assertThat(none.retries("InternalServerException"))
                .isFalse();
        org.assertj.core.api.Assertions.assertThat(some.retries("modelStreamErrorException"))
                .isTrue();
        org.assertj.core.api.Assertions.assertThat(some.retries("ConnectionError"))
                .isTrue();
        org.assertj.core.api.Assertions.assertThat(some.retries("InternalServerException"))
                .isFalse();
        org.assertj.core.api.Assertions.assertThat(some.retries(null)).isFalse();
    }
}
