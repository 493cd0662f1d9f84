package io.bedrockstream.connect;

import java.util.HashMap;
import java.util.Map;

/** Minimal valid sink and source configs, to break one rule at a time. */
public final class TestConfigs {
    private TestConfigs() {}

    public static Map<String, String> validSink() {
        Map<String, String> props = new HashMap<>();
        props.put("name", "bedrock-sink");
        props.put("connector.class", BedrockSinkConnector.class.getName());
        props.put("topics", "requests");
        props.put("bedrock.region", "us-east-1");
        props.put("bedrock.model.id", "anthropic.claude-3-5-haiku-20241022-v1:0");
        props.put("output.topic", "responses");
        props.put("output.bootstrap.servers", "localhost:9092");
        return props;
    }

    public static Map<String, String> validSource() {
        Map<String, String> props = new HashMap<>();
        props.put("name", "bedrock-source");
        props.put("connector.class", BedrockSourceConnector.class.getName());
        props.put("source.topics", "requests");
        props.put("source.bootstrap.servers", "localhost:9092");
        props.put("bedrock.region", "us-east-1");
        props.put("bedrock.model.id", "anthropic.claude-3-5-haiku-20241022-v1:0");
        props.put("output.topic", "responses");
        return props;
    }
}
