package io.beamline.ipc.protocol;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.Arrays;

/**
 * Writes one JSON object as UTF-8 bytes, straight: names and strings escaped by Jackson's encoder, and values
 * that are JSON already (a decision, a client's payload) copied byte for byte. The task path builds its
 * DecideRequest and its answers with it instead of building a Jackson tree and serialising it.
 *
 * <p>The writer places the commas; the caller keeps the nesting balanced (at most 63 levels, far more than
 * the fixed shapes it writes).
 */
public final class JsonBytes {

    private byte[] buf;
    private int size;
    /** Bit d set: the object at depth d has a member already, so the next one needs a comma. */
    private long hasMember;
    private int depth = -1;

    public JsonBytes(int expectedBytes) {
        buf = new byte[Math.max(64, expectedBytes)];
    }

    /** Opens the root object. */
    public JsonBytes startObject() {
        if (depth >= 0) {
            throw new IllegalStateException("the root object is open already; members have names");
        }
        append('{');
        return opened(false);
    }

    public JsonBytes startObject(String name) {
        name(name);
        append('{');
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
        write(json, offset, length);
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
        append('}');
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
        write(json, offset, length);
        return this;
    }

    public JsonBytes raw(String name, byte[] json) {
        return raw(name, json, 0, json.length);
    }

    public byte[] toByteArray() {
        if (depth >= 0) {
            throw new IllegalStateException(depth + 1 + " object(s) still open");
        }
        return Arrays.copyOf(buf, size);
    }

    private void name(String name) {
        if (depth < 0) {
            throw new IllegalStateException("a member needs an open object");
        }
        separate();
        quoted(name);
        append(':');
    }

    private void separate() {
        long bit = 1L << depth;
        if ((hasMember & bit) != 0) {
            append(',');
        }
        hasMember |= bit;
    }

    /** Ids, names and enum-like values are printable ASCII: copied as they are; anything else is escaped. */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int) copies the low byte of each char: ASCII here
    private void quoted(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                escaped(s);
                return;
            }
        }
        ensure(n + 2);
        buf[size] = '"';
        s.getBytes(0, n, buf, size + 1);
        buf[size + n + 1] = '"';
        size += n + 2;
    }

    private void escaped(String s) {
        append('"');
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(s);
        write(escaped, 0, escaped.length);
        append('"');
    }

    @SuppressWarnings("deprecation") // numbers and literals: ASCII
    private void ascii(String s) {
        ensure(s.length());
        s.getBytes(0, s.length(), buf, size);
        size += s.length();
    }

    private void append(char c) {
        ensure(1);
        buf[size++] = (byte) c;
    }

    private void write(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buf, size, length);
        size += length;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
