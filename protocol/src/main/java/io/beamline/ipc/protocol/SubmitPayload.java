package io.beamline.ipc.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A TASK_SUBMIT payload read once, without a tree: each top-level member's kind, its scalar value, and where
 * its JSON text lies in the payload. The gateway checks the envelope from this and copies the task's own
 * objects (payload, metadata, constraints) into the DecideRequest byte for byte. Read as strictly as
 * {@link Json#parseObject}: the same parser settings (duplicate keys, nesting depth, trailing tokens, strict
 * UTF-8) and the same errors.
 */
public final class SubmitPayload {

    /**
     * One top-level member.
     *
     * @param token its value's first token (START_OBJECT for an object, VALUE_STRING, VALUE_NUMBER_INT, …)
     * @param start where its value's JSON text starts in the payload; -1 for a member added by {@link #with}
     * @param end   where that text ends (exclusive)
     * @param value a string's text, an integer that fits a long (Long), a Boolean; else null
     * @param depth how many levels its value nests: 0 for a scalar, 1 for {@code {}} or {@code [1]}, 2 for
     *              {@code {"a":[]}}, … (a member copied into a deeper place must still fit the nesting limit)
     */
    public record Field(String name, JsonToken token, int start, int end, Object value, int depth) {

        public boolean isNull() {
            return token == JsonToken.VALUE_NULL;
        }

        public boolean isObject() {
            return token == JsonToken.START_OBJECT;
        }

        public boolean isText() {
            return token == JsonToken.VALUE_STRING;
        }

        public boolean isBoolean() {
            return token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE;
        }

        /** The string's text; null for any other kind. */
        public String text() {
            return value instanceof String s ? s : null;
        }

        /** An integral number that fits a long; empty for anything else (fractions and big integers too). */
        public Optional<Long> longValue() {
            return value instanceof Long l ? Optional.of(l) : Optional.empty();
        }

        public int length() {
            return end - start;
        }
    }

    private final byte[] bytes;
    private final List<Field> fields;

    private SubmitPayload(byte[] bytes, List<Field> fields) {
        this.bytes = bytes;
        this.fields = fields;
    }

    /**
     * Reads a payload that must be a JSON object (one trailing NUL is ignored, as {@link Json#parseObject}).
     *
     * @throws ProtocolException INVALID_PAYLOAD saying what is wrong
     */
    public static SubmitPayload read(byte[] payload) {
        List<Field> fields = new ArrayList<>(12);
        try (JsonParser p = Json.parser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                Json.parseObject(payload); // not an object (or not JSON): the error every payload gets
                throw new IllegalStateException("a payload that is no object was parsed as one");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (fields.size() == JsonLimits.MAX_MEMBERS) {
                    throw JsonLimits.tooManyMembers();
                }
                String name = p.currentName();
                JsonToken token = p.nextToken();
                int start = (int) p.currentTokenLocation().getByteOffset();
                int depth = 0;
                Object value = switch (token) {
                    case START_OBJECT, START_ARRAY -> {
                        depth = skip(p); // tokenised all the same: syntax, duplicate keys, depth, limits checked
                        yield null;
                    }
                    case VALUE_STRING -> p.getText();
                    case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? null
                            : Long.valueOf(p.getLongValue());
                    case VALUE_TRUE -> Boolean.TRUE;
                    case VALUE_FALSE -> Boolean.FALSE;
                    default -> null;
                };
                fields.add(new Field(name, token, start, (int) p.currentLocation().getByteOffset(), value, depth));
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw Json.invalid("payload is not valid JSON: trailing token (" + trailing + ") after the object");
            }
        } catch (JsonProcessingException e) {
            throw Json.invalid(e);
        } catch (IOException e) {
            throw Json.invalid("payload cannot be read: " + e.getMessage()); // not reached for a byte[] source
        }
        return new SubmitPayload(payload, List.copyOf(fields));
    }

    /**
     * Skips the object or array the parser is at, as {@link JsonParser#skipChildren()} does, counting the
     * members of each object in it (Jackson has no such limit). Recursion is bounded by the nesting limit,
     * which the parser checks before each level opens. Strings are skipped without being decoded.
     *
     * @return how many levels it nests (1: nothing nested in it)
     */
    private static int skip(JsonParser p) throws IOException {
        int inner = 0;
        if (p.currentToken() == JsonToken.START_OBJECT) {
            int members = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if (++members > JsonLimits.MAX_MEMBERS) {
                    throw JsonLimits.tooManyMembers();
                }
                if (p.nextToken().isStructStart()) {
                    inner = Math.max(inner, skip(p));
                }
            }
        } else {
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                if (t.isStructStart()) {
                    inner = Math.max(inner, skip(p));
                }
            }
        }
        return 1 + inner;
    }

    /** The member named {@code name}, or null when there is none (as Jackson's {@code get}). */
    public Field get(String name) {
        for (Field f : fields) {
            if (f.name.equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** The members in the client's order. */
    public List<Field> fields() {
        return fields;
    }

    /** This payload with the string member {@code name} set to {@code text} (added, or replacing the old one). */
    public SubmitPayload with(String name, String text) {
        List<Field> changed = new ArrayList<>(fields.size() + 1);
        for (Field f : fields) {
            if (!f.name.equals(name)) {
                changed.add(f);
            }
        }
        changed.add(new Field(name, JsonToken.VALUE_STRING, -1, -1, text, 0));
        return new SubmitPayload(bytes, List.copyOf(changed));
    }

    /** Writes member {@code f} as {@code name}: its JSON text copied, or an added string written. */
    public void copy(Field f, String name, JsonBytes out) {
        if (f.start < 0) {
            out.string(name, f.text());
        } else {
            out.raw(name, bytes, f.start, f.length());
        }
    }

    /** The payload's bytes (the JSON text of every member read from them lies in them). */
    public byte[] bytes() {
        return bytes;
    }

    /**
     * What member {@code key} of the object member {@code object} is: empty when absent, else the first token
     * of its value (VALUE_NULL for JSON null).
     */
    public Optional<JsonToken> member(Field object, String key) {
        if (!object.isObject()) {
            throw new IllegalArgumentException(object.name + " is not an object");
        }
        try (JsonParser p = Json.mapper().getFactory().createParser(bytes, object.start, object.length())) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                boolean found = key.equals(p.currentName());
                JsonToken value = p.nextToken();
                if (found) {
                    return Optional.of(value);
                }
                p.skipChildren();
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("an object read once could not be read again", e);
        }
    }

    /** The object member {@code object} as a tree, for the rare paths that change it. */
    public ObjectNode tree(Field object) {
        if (!object.isObject()) {
            throw new IllegalArgumentException(object.name + " is not an object");
        }
        return Json.parseObject(Arrays.copyOfRange(bytes, object.start, object.end));
    }
}
