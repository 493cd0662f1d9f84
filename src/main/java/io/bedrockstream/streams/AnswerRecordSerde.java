package io.bedrockstream.streams;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** JSON serde for {@link AnswerRecord}: a flat object with snake_case fields. */
public final class AnswerRecordSerde implements Serde<AnswerRecord> {

    @Override
    public Serializer<AnswerRecord> serializer() {
        return (topic, answer) -> Json.write(answer);
    }

    @Override
    public Deserializer<AnswerRecord> deserializer() {
        return (topic, bytes) -> Json.read(bytes, AnswerRecord.class);
    }
}
