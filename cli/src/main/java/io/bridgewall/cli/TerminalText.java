package io.bridgewall.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Text on its way to a terminal. Names and values come from Docker and from the command line,
 * so they may hold ESC, BEL, CR or bidi overrides that would move the cursor, recolour or hide
 * text, or reorder what the reader sees. Every such character is shown as an escape instead
 * ({@code \x1b}, {@code \u202e}); nothing else changes. (nft comments have their own, stricter
 * rule: {@code NftSyntax.sanitize} keeps them to printable ASCII.)
 */
final class TerminalText {
    private TerminalText() {
    }

    /** {@code text} with every control character escaped, line breaks included: one line. */
    static String escape(String text) {
        return escape(text, "");
    }

    /** Like {@link #escape(String)}, but the characters in {@code passThrough} stay as they are. */
    static String escape(String text, String passThrough) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            int next = i + Character.charCount(codePoint);
            if (isControl(codePoint) && passThrough.indexOf(codePoint) < 0) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(escapeCodePoint(codePoint));
            } else if (out != null) {
                out.append(text, i, next);
            }
            i = next;
        }
        return out == null ? text : out.toString();
    }

    /**
     * C0 and C1 controls and DEL (Unicode Cc), format characters such as the bidi overrides and
     * zero-width characters (Cf), line and paragraph separators, and lone surrogates.
     */
    static boolean isControl(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE -> true;
            default -> false;
        };
    }

    private static String escapeCodePoint(int codePoint) {
        return switch (codePoint) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> codePoint < 0x100 ? String.format("\\x%02x", codePoint)
                    : codePoint < 0x10000 ? String.format("\\u%04x", codePoint)
                    : String.format("\\U%08x", codePoint);
        };
    }

    /**
     * A writer that escapes control characters on their way to {@code target}, except those in
     * {@code passThrough} (line breaks, and tabs for nft listings). Every line the CLI prints goes
     * through one of these, so no message can carry a raw control character whoever wrote it.
     */
    static PrintWriter escaping(Writer target, String passThrough) {
        return new PrintWriter(new EscapingWriter(target, passThrough), true);
    }

    private static final class EscapingWriter extends FilterWriter {
        private final String passThrough;
        /** A high surrogate whose low half has not been written yet. */
        private char pendingHigh;

        EscapingWriter(Writer target, String passThrough) {
            super(target);
            this.passThrough = passThrough;
        }

        @Override
        public void write(int c) throws IOException {
            write(new char[] {(char) c}, 0, 1);
        }

        @Override
        public void write(String text, int offset, int length) throws IOException {
            write(text.toCharArray(), offset, length);
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            StringBuilder text = new StringBuilder(length + 1);
            if (pendingHigh != 0) {
                text.append(pendingHigh);
                pendingHigh = 0;
            }
            text.append(chars, offset, length);
            int last = text.length() - 1;
            if (last >= 0 && Character.isHighSurrogate(text.charAt(last))) {
                // Wait for its other half: a pair is one character, not two lone surrogates.
                pendingHigh = text.charAt(last);
                text.setLength(last);
            }
            out.write(escape(text.toString(), passThrough));
        }

        @Override
        public void flush() throws IOException {
            if (pendingHigh != 0) {
                out.write(escape(String.valueOf(pendingHigh), passThrough));
                pendingHigh = 0;
            }
            super.flush();
        }
    }
}
