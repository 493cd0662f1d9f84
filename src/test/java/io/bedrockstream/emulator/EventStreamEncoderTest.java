package io.bedrockstream.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.eventstream.Message;

/** The frame encoder against the worked examples of BEDROCK.md §2.1 and the SDK's own decoder. */
class EventStreamEncoderTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void chunkFrameMatchesTheWorkedExampleByteForByte() {
        byte[] payload = "{\"bytes\":\"eyJ0eXBlIjoibWVzc2FnZV9zdG9wIn0=\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(payload).hasSize(44);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(HEX.parseHex("00000087" + "0000004b" + "87ea2bf3"));
        header(expected, ":event-type", "chunk");
        header(expected, ":content-type", "application/json");
        header(expected, ":message-type", "event");
        expected.writeBytes(payload);
        expected.writeBytes(HEX.parseHex("ba48ab22"));

        byte[] frame = EventStreamEncoder.chunkFrame(payload);
        assertThat(frame).hasSize(135);
        assertThat(HEX.formatHex(frame)).isEqualTo(HEX.formatHex(expected.toByteArray()));
    }

    @Test
    void throttlingExceptionFrameIs178BytesWithValidChecksums() {
        byte[] payload = "{\"message\":\"Too many requests, please wait before trying again.\"}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] frame = EventStreamEncoder.exceptionFrame("throttlingException", payload);
        ByteBuffer buf = ByteBuffer.wrap(frame);
        assertThat(frame).hasSize(178);
        assertThat(buf.getInt(0)).isEqualTo(178);
        assertThat(buf.getInt(4)).isEqualTo(97);
        assertThat(Integer.toUnsignedLong(buf.getInt(8))).isEqualTo(EventStreamEncoder.crc32(frame, 0, 8));
        assertThat(Integer.toUnsignedLong(buf.getInt(174))).isEqualTo(EventStreamEncoder.crc32(frame, 0, 174));

        Message decoded = Message.decode(ByteBuffer.wrap(frame));
        assertThat(decoded.getHeaders().get(":exception-type").getString()).isEqualTo("throttlingException");
        assertThat(decoded.getHeaders().get(":message-type").getString()).isEqualTo("exception");
        assertThat(decoded.getHeaders().get(":content-type").getString()).isEqualTo("application/json");
        assertThat(decoded.getPayload()).isEqualTo(payload);
    }

    @Test
    void errorFrameCarriesTheErrorInHeadersWithEmptyPayload() {
        Message decoded = Message.decode(ByteBuffer.wrap(EventStreamEncoder.errorFrame("InternalFailure", "boom")));
        assertThat(decoded.getHeaders().get(":message-type").getString()).isEqualTo("error");
        assertThat(decoded.getHeaders().get(":error-code").getString()).isEqualTo("InternalFailure");
        assertThat(decoded.getHeaders().get(":error-message").getString()).isEqualTo("boom");
        assertThat(decoded.getPayload()).isEmpty();
    }

    @Test
    void sdkDecoderRejectsAFlippedMessageChecksum() {
        byte[] frame = EventStreamEncoder.chunkFrame("{}".getBytes(StandardCharsets.UTF_8));
        frame[frame.length - 1] ^= 1;
        assertThatThrownBy(() -> Message.decode(ByteBuffer.wrap(frame))).hasMessageContaining("checksum");
    }

    private static void header(ByteArrayOutputStream out, String name, String value) {
        out.write(name.length());
        out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        out.write(7);
        out.write(0);
        out.write(value.length());
        out.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
    }
}
