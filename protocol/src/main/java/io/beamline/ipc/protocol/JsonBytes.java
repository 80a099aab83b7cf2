package io.beamline.ipc.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

/**
 * Writes one JSON object as UTF-8 bytes, straight: names and strings escaped by Jackson's encoder, and values
 * that are JSON already (a decision, a client's payload) copied byte for byte. The task path builds its
 * DecideRequest and its answers with it instead of building a Jackson tree and serialising it.
 *
 * <p>The writer places the commas; the caller keeps the nesting balanced (at most 63 levels, far more than
 * the fixed shapes it writes).
 */
public final class JsonBytes {

    private final ByteArrayBuilder out;
    /** Bit d set: the object at depth d has a member already, so the next one needs a comma. */
    private long hasMember;
    private int depth = -1;

    public JsonBytes(int expectedBytes) {
        out = new ByteArrayBuilder(Math.max(64, expectedBytes));
    }

    /** Opens the root object. */
    public JsonBytes startObject() {
        if (depth >= 0) {
            throw new IllegalStateException("the root object is open already; members have names");
        }
        out.append('{');
        return opened(false);
    }

    public JsonBytes startObject(String name) {
        name(name);
        out.append('{');
        return opened(false);
    }

    /**
     * A member whose value is an object given as JSON text up to (not including) its closing brace, so that
     * more members can follow before {@link #endObject()} closes it.
     *
     * @param hasMembers whether that text holds members already (the next member then needs a comma)
     */
    public JsonBytes startObject(String name, byte[] json, int offset, int length, boolean hasMembers) {
        name(name);
        out.write(json, offset, length);
        return opened(hasMembers);
    }

    private JsonBytes opened(boolean hasMembers) {
        if (depth == 62) {
            throw new IllegalStateException("nested deeper than 63 objects");
        }
        depth++;
        hasMember = hasMembers ? hasMember | (1L << depth) : hasMember & ~(1L << depth);
        return this;
    }

    public JsonBytes endObject() {
        if (depth < 0) {
            throw new IllegalStateException("no object is open");
        }
        out.append('}');
        depth--;
        return this;
    }

    public JsonBytes string(String name, String value) {
        name(name);
        quoted(value);
        return this;
    }

    public JsonBytes number(String name, long value) {
        name(name);
        ascii(Long.toString(value));
        return this;
    }

    public JsonBytes bool(String name, boolean value) {
        name(name);
        ascii(value ? "true" : "false");
        return this;
    }

    /** A member whose value is JSON text already: {@code json[offset, offset + length)}, copied as it is. */
    public JsonBytes raw(String name, byte[] json, int offset, int length) {
        name(name);
        out.write(json, offset, length);
        return this;
    }

    public JsonBytes raw(String name, byte[] json) {
        return raw(name, json, 0, json.length);
    }

    public byte[] toByteArray() {
        if (depth >= 0) {
            throw new IllegalStateException(depth + 1 + " object(s) still open");
        }
        return out.toByteArray();
    }

    private void name(String name) {
        if (depth < 0) {
            throw new IllegalStateException("a member needs an open object");
        }
        separate();
        quoted(name);
        out.append(':');
    }

    private void separate() {
        long bit = 1L << depth;
        if ((hasMember & bit) != 0) {
            out.append(',');
        }
        hasMember |= bit;
    }

    /** Ids, names and enum-like values are printable ASCII: written as they are; anything else is escaped. */
    private void quoted(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                out.append('"');
                byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(s);
                out.write(escaped, 0, escaped.length);
                out.append('"');
                return;
            }
        }
        out.append('"');
        ascii(s);
        out.append('"');
    }

    private void ascii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            out.append(s.charAt(i));
        }
    }
}
