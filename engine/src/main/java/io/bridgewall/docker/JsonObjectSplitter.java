package io.bridgewall.docker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Optional;

/**
 * Cuts a byte stream of concatenated JSON objects (Docker's event stream: one object per
 * event, separated by newlines) into one byte array per object, without trusting the stream:
 * an object larger than the bound, nested deeper than the bound, or anything but whitespace
 * between objects is an error. It only finds where each object ends (brackets outside
 * strings); Jackson parses each object afterwards, strictly.
 */
final class JsonObjectSplitter {
    static final int MAX_DEPTH = 64;

    private final int maxObjectBytes;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private final ArrayDeque<byte[]> complete = new ArrayDeque<>();
    private int depth;
    private boolean inString;
    private boolean escaped;

    JsonObjectSplitter(int maxObjectBytes) {
        this.maxObjectBytes = maxObjectBytes;
    }

    void feed(byte[] bytes, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (depth == 0) {
                if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                    continue;
                }
                if (b != '{') {
                    throw new HttpInput.HttpFormatException("the event stream holds something other than JSON objects "
                            + "(byte 0x" + Integer.toHexString(b & 0xff) + " between objects)");
                }
                current.reset();
            }
            current.write(b);
            if (current.size() > maxObjectBytes) {
                throw new HttpInput.HttpFormatException("an event is larger than " + maxObjectBytes / 1024 + " KiB");
            }
            step(b);
        }
    }

    private void step(byte b) throws IOException {
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (b == '\\') {
                escaped = true;
            } else if (b == '"') {
                inString = false;
            }
        } else if (b == '"') {
            inString = true;
        } else if (b == '{' || b == '[') {
            if (++depth > MAX_DEPTH) {
                throw new HttpInput.HttpFormatException("an event is nested deeper than " + MAX_DEPTH + " levels");
            }
        } else if (b == '}' || b == ']') {
            if (--depth == 0) {
                complete.add(current.toByteArray());
            }
        }
    }

    /** The next complete object, oldest first. */
    Optional<byte[]> poll() {
        return Optional.ofNullable(complete.poll());
    }

    /** Bytes of an object begun and not yet finished: a stream that ends here was cut off. */
    boolean midObject() {
        return depth > 0;
    }
}
