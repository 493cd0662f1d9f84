package io.bedrockstream.model;

/** Parses the decoded (base64-unwrapped) JSON of one chunk of one model family. Unknown fields are ignored. */
public interface ChunkParser {

    /**
     * @throws MalformedChunkException if the bytes are not a JSON object
     */
    ParsedChunk parse(byte[] chunkJson);
}
