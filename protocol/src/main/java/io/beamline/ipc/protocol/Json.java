package io.beamline.ipc.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON configuration of the protocol: snake_case names, no nulls written, strict reading
 * (duplicate keys, trailing tokens and invalid UTF-8 are errors), bounded nesting, string, number and name
 * lengths ({@link JsonLimits}: one set of limits for every reader of this mapper).
 */
public final class Json {

    /** Deep enough for any real payload, shallow enough that a hostile one costs nothing. */
    public static final int MAX_NESTING_DEPTH = JsonLimits.MAX_NESTING_DEPTH;
    /** The reason of JSON nested deeper than {@link #MAX_NESTING_DEPTH}. */
    public static final String TOO_DEEP = JsonLimits.TOO_DEEP;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(JsonLimits.INSTANCE);
    }

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses a payload that must be a JSON object. One trailing NUL byte is ignored: C clients that count
     * the string's terminator send it. Any other NUL, like any other control byte outside a string's
     * escapes, is invalid JSON.
     *
     * @throws ProtocolException with {@link ErrorCode#INVALID_PAYLOAD} and a message saying what is wrong
     */
    public static ObjectNode parseObject(byte[] payload) {
        int length = checkedLength(payload);
        JsonNode node;
        try {
            node = MAPPER.readTree(payload, 0, length);
        } catch (JsonProcessingException e) {
            throw invalid(e);
        } catch (IOException e) {
            throw invalid("payload cannot be read: " + e.getMessage()); // not reached for a byte[] source
        }
        if (node == null || !node.isObject()) {
            throw invalid("payload must be a JSON object, was " + (node == null ? "nothing" : node.getNodeType()));
        }
        return (ObjectNode) node;
    }

    /**
     * A streaming parser over a payload checked as {@link #parseObject} checks it (one trailing NUL ignored,
     * not empty, strict UTF-8), with the same strict settings, for readers that need no tree.
     *
     * @throws ProtocolException with {@link ErrorCode#INVALID_PAYLOAD} when the checks fail
     */
    public static JsonParser parser(byte[] payload) {
        int length = checkedLength(payload);
        try {
            return MAPPER.getFactory().createParser(payload, 0, length);
        } catch (IOException e) {
            throw new IllegalStateException("a parser over a byte array could not be made", e); // not for byte[]
        }
    }

    /** The payload's length without one trailing NUL, once it is known to be non-empty strict UTF-8. */
    static int checkedLength(byte[] payload) {
        int length = payload.length;
        if (length > 0 && payload[length - 1] == 0) {
            length--;
        }
        if (length == 0) {
            throw invalid("payload is empty; a JSON object is required");
        }
        // Jackson guesses UTF-16 or UTF-32 from NUL bytes among the first four (found by RouterReplyFuzzTest):
        // a NUL is never valid JSON text, and the payload is UTF-8, so it is refused before Jackson guesses.
        for (int i = 0; i < Math.min(4, length); i++) {
            if (payload[i] == 0) {
                throw invalid("payload is not valid JSON: a NUL byte at offset " + i);
            }
        }
        requireStrictUtf8(payload, length);
        return length;
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getName(), e);
        }
    }

    public static <T> T read(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            ProtocolException limit = overLimit(e);
            throw limit != null ? limit : invalid("cannot read " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Jackson tolerates some malformed UTF-8 (e.g. encoded surrogates); a strict decoder does not.
     * Most payloads are ASCII, which is valid UTF-8 as is: only others pay for the decoder.
     */
    private static void requireStrictUtf8(byte[] bytes, int length) {
        int i = 0;
        while (i < length && bytes[i] >= 0) {
            i++;
        }
        if (i == length) {
            return;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            decoder.decode(ByteBuffer.wrap(bytes, i, length - i));
        } catch (CharacterCodingException e) {
            throw invalid("payload is not valid UTF-8");
        }
    }

    static ProtocolException invalid(String message) {
        return new ProtocolException(ErrorCode.INVALID_PAYLOAD, message);
    }

    /** What a parser's failure is answered with: a JSON limit's own reason, else invalid JSON. */
    static ProtocolException invalid(JsonProcessingException e) {
        ProtocolException limit = overLimit(e);
        return limit != null ? limit : invalid("payload is not valid JSON: " + e.getOriginalMessage());
    }

    /** The exceeded limit behind {@code e} (databind may wrap it), or null. */
    private static ProtocolException overLimit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonLimits.Exceeded exceeded) {
                return new ProtocolException(ErrorCode.INVALID_PAYLOAD, exceeded.reason(),
                        "payload exceeds a JSON limit: " + exceeded.getOriginalMessage());
            }
        }
        return null;
    }
}
