package io.bridgewall.cli;

import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --bridges-file FILE}: thousands of bridges without thousands of options. One
 * {@code NAME=CIDR[,CIDR...]} per line, exactly what {@code --bridge} takes; blank lines and
 * {@code #} comments (a whole line, or after a space) are skipped; {@code -} reads standard input.
 * Read whole, bounded in size and lines, before anything else happens: a bad line is one
 * {@code FILE:LINE: problem; fix} error, so the kernel is never touched.
 */
final class BridgesFile {
    /** 10,000 bridges with two subnets each take about 500 KiB; 64 MiB is room for any host, and a bound. */
    static final int MAX_BYTES = 64 * 1024 * 1024;
    /** More lines than any host has bridges (the kernel's per-namespace limits come first). */
    static final int MAX_LINES = 1_000_000;
    /** A name (15 bytes) and many subnets fit; a longer line is not a bridge. */
    static final int MAX_LINE = 4096;

    static final String STDIN = "-";

    private BridgesFile() {
    }

    /** What a file gave: its bridges in file order, and the line each came from (for later errors). */
    record Contents(String file, List<Bridge> bridges, Map<InterfaceName, Integer> lines) {
        Contents {
            bridges = List.copyOf(bridges);
            lines = Map.copyOf(lines);
        }

        /** {@code FILE:LINE} of a bridge of this file. */
        String where(InterfaceName name) {
            return file + ":" + lines.get(name);
        }
    }

    /** The bridges in the file named {@code name} ({@code -}: {@code stdin}), in file order. */
    static Contents read(String name, InputStream stdin) {
        byte[] bytes;
        try {
            if (name.equals(STDIN)) {
                bytes = stdin.readNBytes(MAX_BYTES + 1);
            } else {
                Path path = Path.of(name);
                if (Files.isDirectory(path)) {
                    throw new InvalidInputException("--bridges-file " + name + " is a directory; give a file with "
                            + "one NAME=CIDR[,CIDR...] per line");
                }
                try (InputStream in = Files.newInputStream(path)) {
                    bytes = in.readNBytes(MAX_BYTES + 1);
                }
            }
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("--bridges-file " + name + " does not exist; give a file with one "
                    + "NAME=CIDR[,CIDR...] per line");
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new InvalidInputException("--bridges-file " + name + " cannot be read (" + e.getMessage()
                    + "); check the path and its permissions");
        }
        return parse(name.equals(STDIN) ? "<stdin>" : name, bytes);
    }

    /** The bridges in {@code bytes}, the contents of {@code file} (named in errors). */
    static Contents parse(String file, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new InvalidInputException(file + ": larger than " + MAX_BYTES / (1024 * 1024)
                    + " MiB; this is not a list of bridges (one NAME=CIDR[,CIDR...] per line)");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(file + ":" + lineOfByte(bytes, firstInvalidUtf8(bytes))
                    + ": not UTF-8 text; write one NAME=CIDR[,CIDR...] per line in plain text");
        }
        List<Bridge> bridges = new ArrayList<>();
        Map<InterfaceName, Integer> lineOf = new HashMap<>();
        int start = 0;
        int number = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            number++;
            if (number > MAX_LINES) {
                throw new InvalidInputException(file + ":" + number + ": more than " + MAX_LINES
                        + " lines; split the bridges over fewer lines or check that this is the right file");
            }
            String where = file + ":" + number;
            if (end - start > MAX_LINE) {
                throw new InvalidInputException(where + ": line longer than " + MAX_LINE
                        + " characters; write one NAME=CIDR[,CIDR...] per line");
            }
            String entry = entry(text.substring(start, end));
            start = end + 1;
            if (entry.isEmpty()) {
                continue;
            }
            Bridge bridge = parseLine(entry, where);
            Integer earlier = lineOf.putIfAbsent(bridge.name(), number);
            if (earlier != null) {
                throw new InvalidInputException(where + ": bridge " + bridge.name() + " is already given on line "
                        + earlier + "; give each bridge once (all its subnets on one line, comma-separated)");
            }
            bridges.add(bridge);
        }
        return new Contents(file, bridges, lineOf);
    }

    /** A line without its comment and surrounding blanks ({@code \r} of CRLF files included). */
    private static String entry(String line) {
        String stripped = line.strip();
        if (stripped.startsWith("#")) {
            return "";
        }
        for (int i = 1; i < stripped.length(); i++) {
            if (stripped.charAt(i) == '#' && Character.isWhitespace(stripped.charAt(i - 1))) {
                return stripped.substring(0, i).strip();
            }
        }
        return stripped;
    }

    private static Bridge parseLine(String entry, String where) {
        for (int i = 0; i < entry.length(); i++) {
            if (Character.isWhitespace(entry.charAt(i)) || Character.isISOControl(entry.charAt(i))) {
                throw new InvalidInputException(where + ": '" + printable(entry) + "' has a blank or control "
                        + "character inside; write one NAME=CIDR[,CIDR...] per line, without spaces");
            }
        }
        try {
            return PolicyOptions.parseBridge(entry);
        } catch (InvalidInputException e) {
            // The same check as --bridge; its message names the option, the line says where instead.
            String message = e.getMessage().startsWith("--bridge ") ? e.getMessage().substring("--bridge ".length())
                    : e.getMessage();
            throw new InvalidInputException(where + ": " + message, e);
        }
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(80).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return text.codePointCount(0, text.length()) > 80 ? out + "..." : out.toString();
    }

    private static int firstInvalidUtf8(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        var out = java.nio.CharBuffer.allocate(bytes.length + 1);
        decoder.decode(in, out, true);
        return in.position();
    }

    private static int lineOfByte(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }
}
