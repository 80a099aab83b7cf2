package io.beamline.ipc.bench.gateway;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.beamline.ipc.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What one stream delivered, checked as it arrives: chunks must come with seq 1, 2, 3, … (the first one out of
 * order is kept as the failure and nothing after it counts), and their data bytes are added up. Both paths of
 * {@link StreamThroughputBenchmark} count with it: the gateway's STREAM_DATA payloads through
 * {@link #dataFrame}, the Router's NATS messages through {@link #chunk}. Not thread-safe: one stream is read by
 * one thread.
 */
final class ChunkCount {

    private long chunks;
    private long bytes;
    private long firstChunkNanos;
    private String failure;

    /** One chunk: its seq and its data's size in bytes. @return false once the stream is broken */
    boolean chunk(long seq, long dataBytes) {
        if (failure != null) {
            return false;
        }
        if (seq != chunks + 1) {
            failure = "chunk seq " + seq + " where " + (chunks + 1) + " was due";
            return false;
        }
        if (chunks == 0) {
            firstChunkNanos = System.nanoTime();
        }
        chunks++;
        bytes += dataBytes;
        return true;
    }

    /**
     * One STREAM_DATA payload, {@code {"task_id":…,"seq":N,"data":"…"}} (or {@code data_base64}), read with a
     * streaming parser (no tree): its {@code seq} and the UTF-8 size of its data.
     */
    boolean dataFrame(byte[] payload) {
        long seq = -1;
        long dataBytes = -1;
        try (JsonParser p = Json.mapper().getFactory().createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return fail("a STREAM_DATA payload that is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "seq" -> seq = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    case "data" -> dataBytes = value == JsonToken.VALUE_STRING ? utf8Length(p.getText()) : -1;
                    case "data_base64" -> dataBytes = value == JsonToken.VALUE_STRING
                            ? Base64.getDecoder().decode(p.getText()).length : -1;
                    default -> p.skipChildren();
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return fail("an unreadable STREAM_DATA payload: " + e.getMessage());
        }
        if (seq < 1 || dataBytes < 0) {
            return fail("a STREAM_DATA payload without seq or data: "
                    + new String(payload, StandardCharsets.UTF_8));
        }
        return chunk(seq, dataBytes);
    }

    /** Ends the count as broken (the first reason is kept). @return false */
    boolean fail(String why) {
        if (failure == null) {
            failure = why;
        }
        return false;
    }

    long chunks() {
        return chunks;
    }

    long bytes() {
        return bytes;
    }

    /** {@link System#nanoTime()} when the first chunk came; 0 before. */
    long firstChunkNanos() {
        return firstChunkNanos;
    }

    /** Why the stream is broken, or null. */
    String failure() {
        return failure;
    }

    /**
     * The end's verdict: null when the stream was whole, i.e. unbroken, {@code expectedChunks} chunks of
     * {@code expectedBytes} bytes in all, and the end's own counts ({@code endChunks}, {@code endBytes}; -1 when
     * the end does not say) agree; else why not.
     */
    String verdict(long expectedChunks, long expectedBytes, long endChunks, long endBytes) {
        if (failure != null) {
            return failure;
        }
        if (chunks != expectedChunks || bytes != expectedBytes) {
            return "received " + chunks + " chunks, " + bytes + " bytes; expected " + expectedChunks + " chunks, "
                    + expectedBytes + " bytes";
        }
        if (endChunks != -1 && endChunks != chunks || endBytes != -1 && endBytes != bytes) {
            return "the end counts " + endChunks + " chunks, " + endBytes + " bytes; received " + chunks + ", " + bytes;
        }
        return null;
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
