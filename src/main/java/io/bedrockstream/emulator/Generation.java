package io.bedrockstream.emulator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The text one attempt generates, already cut into chunk deltas. Deterministic: the same server seed,
 * model id and body always give the same words.
 */
final class Generation {

    /** Includes tokens that break naive JSON escaping: a quote, a backslash, a newline, non-ASCII, emoji. */
    static final List<String> VOCABULARY = List.of(
            "the",
            "stream",
            "of",
            "tokens",
            "flows",
            "through",
            "a",
            "quiet",
            "river",
            "into",
            "Kafka",
            "where",
            "each",
            "chunk",
            "finds",
            "its",
            "topic",
            "and",
            "partition",
            "before",
            "dawn",
            "model",
            "writes",
            "records",
            "with",
            "care",
            "while",
            "brokers",
            "listen",
            "patiently",
            "to",
            "every",
            "byte",
            "say \"hi\"",
            "back\\slash",
            "new\nline",
            "naïve",
            "café",
            "🚀",
            "tab\tbed",
            "{brace}",
            "</end>",
            "50%",
            "it's");

    final List<String> words;
    final List<String> deltas;
    final boolean truncated;
    final int inputTokens;
    final Random random;
    final int perChunk;

    private Generation(
            List<String> words, List<String> deltas, boolean truncated, int inputTokens, Random random, int perChunk) {
        this.perChunk = perChunk;
        this.words = words;
        this.deltas = deltas;
        this.truncated = truncated;
        this.inputTokens = inputTokens;
        this.random = random;
    }

    static Generation plan(
            long serverSeed, String modelId, byte[] body, int wordCount, int perChunk, RequestBody request) {
        Random random = new Random(seedFor(serverSeed, modelId, body));
        int count = wordCount;
        boolean truncated = false;
        if (request.maxTokens().isPresent() && request.maxTokens().getAsInt() < wordCount) {
            count = Math.max(0, request.maxTokens().getAsInt());
            truncated = true;
        }
        List<String> words = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            words.add(VOCABULARY.get(random.nextInt(VOCABULARY.size())));
        }
        List<String> deltas = new ArrayList<>();
        for (int from = 0; from < count; from += perChunk) {
            String delta = String.join(" ", words.subList(from, Math.min(count, from + perChunk)));
            deltas.add(from == 0 ? delta : " " + delta);
        }
        return new Generation(
                List.copyOf(words), List.copyOf(deltas), truncated, request.inputTokens(), random, perChunk);
    }

    String text() {
        return String.join("", deltas);
    }

    /** Words generated up to and including delta {@code index}. */
    int wordsThrough(int index) {
        return Math.min(words.size(), (index + 1) * perChunk);
    }

    int outputTokens() {
        return words.size();
    }

    /** Random-length prefix of the padding alphabet Bedrock uses for the {@code "p"} field. */
    String padding() {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123";
        return alphabet.substring(0, 1 + random.nextInt(alphabet.length()));
    }

    String randomId(int length) {
        String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(chars.charAt(random.nextInt(chars.length())));
        }
        return sb.toString();
    }

    private static long seedFor(long serverSeed, String modelId, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(8).putLong(serverSeed).array());
            sha.update(modelId.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(body);
            return ByteBuffer.wrap(sha.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
