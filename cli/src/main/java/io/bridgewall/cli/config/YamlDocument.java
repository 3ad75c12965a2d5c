package io.bridgewall.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a config file into {@link YamlNode}s with Jackson's YAML parser, bounded against
 * hostile input: at most {@link #MAX_BYTES} bytes read (a FIFO or /dev/zero cannot hold it up),
 * strict UTF-8 without control characters, at most {@link #MAX_DEPTH} levels of nesting and
 * {@link #MAX_SCALAR} characters per value, one document, every key once. Anchors and aliases
 * are refused outright (so no "billion laughs" expansion can happen, whatever the parser would
 * do), and so are tags ({@code !!binary}, {@code !foo}): a config file needs none of them.
 */
final class YamlDocument {
    /** A full config file is a few KiB; 256 KiB leaves room for long allow lists. */
    static final int MAX_BYTES = 256 * 1024;
    /** The deepest field of the format is 6 levels down (host-input.tcp[0].from[0]). */
    static final int MAX_DEPTH = 12;
    static final int MAX_SCALAR = 4096;

    /** Made on first use only: a file of comments alone (the installed example) never loads the YAML parser. */
    private static final class Parser {
        static final YAMLFactory FACTORY = factory();
    }

    private final String file;
    private final YAMLParser parser;

    private YamlDocument(String file, YAMLParser parser) {
        this.file = file;
        this.parser = parser;
    }

    private static YAMLFactory factory() {
        LoaderOptions loader = new LoaderOptions();
        // SnakeYAML's own limits, behind ours: they hold even if a check below were missed.
        loader.setCodePointLimit(MAX_BYTES);
        loader.setNestingDepthLimit(MAX_DEPTH + 1);
        loader.setMaxAliasesForCollections(0);
        loader.setAllowDuplicateKeys(false);
        return YAMLFactory.builder()
                .loaderOptions(loader)
                // Duplicates are found while the tree is built, with both lines in the message.
                .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH + 1)
                        .maxStringLength(MAX_SCALAR + 1)
                        .maxNameLength(MAX_SCALAR + 1)
                        .maxNumberLength(MAX_SCALAR + 1)
                        .maxDocumentLength(MAX_BYTES)
                        .build())
                .build();
    }

    /** The file's top-level mapping (empty for an empty file or one of comments only). */
    static YamlNode.Mapping read(Path path) {
        String file = path.toString();
        if (Files.isDirectory(path)) {
            throw new ConfigException(file, 1, "", "is a directory; give the config file itself");
        }
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            // A FIFO or a device could block the read or never end.
            throw new ConfigException(file, 1, "", "is not a regular file; give the config file itself");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 1, "", "no such file; give an existing file or leave --config out");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file, 1, "", "cannot be read (permission denied); run as root or fix its permissions");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file, e);
        }
        return parse(file, bytes);
    }

    /** Parses {@code bytes}, the contents of {@code file} (named in every error). */
    static YamlNode.Mapping parse(String file, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new ConfigException(file, 1, "", "is larger than " + MAX_BYTES / 1024
                    + " KiB; a config file is a few KiB of YAML: is this the right file?");
        }
        String text = decode(file, bytes);
        if (text.lines().allMatch(line -> line.isBlank() || line.stripLeading().startsWith("#"))) {
            // Loading Jackson's YAML parser and SnakeYAML costs a cold JVM about 0.3 s; nothing to parse here.
            return new YamlNode.Mapping(List.of(), 1);
        }
        try (YAMLParser parser = (YAMLParser) Parser.FACTORY.createParser(text)) {
            return new YamlDocument(file, parser).document();
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            int line = location == null || location.getLineNr() < 1 ? 1 : location.getLineNr();
            throw new ConfigException(file, line, "", "not valid YAML: " + problem(e));
        } catch (IOException e) {
            // A String source cannot fail to read; anything else is a parser failure, as above.
            throw new ConfigException(file, 1, "", "not valid YAML: " + firstLine(e.getMessage()));
        }
    }

    /** Strict UTF-8, no control characters but tab and line ends: binary junk gets one line, with its line. */
    private static String decode(String file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new ConfigException(file, lineAt(bytes, in.position()), "", String.format(Locale.ROOT,
                    "not UTF-8 text (byte 0x%02x); a config file is YAML text: is this the right file?",
                    bytes[in.position()] & 0xff));
        }
        decoder.flush(out);
        String text = out.flip().toString();
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
            } else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f || c == '\uFFFE' || c == '\uFFFF') {
                throw new ConfigException(file, line, "", String.format(Locale.ROOT,
                        "control character U+%04X; a config file is YAML text: is this the right file?", (int) c));
            }
        }
        return text;
    }

    private static int lineAt(byte[] bytes, int end) {
        int line = 1;
        for (int i = 0; i < end; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private YamlNode.Mapping document() throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            return new YamlNode.Mapping(List.of(), 1);
        }
        YamlNode root = value(first, 1);
        if (!(root instanceof YamlNode.Mapping mapping)) {
            if (root instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.Scalar.Type.NULL) {
                return new YamlNode.Mapping(List.of(), 1);
            }
            throw error(root.line(), "the file holds " + root.kind() + "; it must be a mapping of keys such as "
                    + "'isolation: strict'");
        }
        if (parser.nextToken() != null) {
            throw error(line(), "a second YAML document ('---'); put everything in one document");
        }
        return mapping;
    }

    private YamlNode value(JsonToken token, int depth) throws IOException {
        int line = line();
        if (depth > MAX_DEPTH) {
            throw error(line, "nested deeper than " + MAX_DEPTH + " levels; no field of the config file is");
        }
        if (parser.isCurrentAlias()) {
            throw error(line, "alias '*" + parser.getText() + "': anchors and aliases are not supported; write the value out");
        }
        // The anchor of a list or mapping ('&name'). Jackson does not expose a scalar's, which is
        // harmless: without an alias, which is refused above, an anchor repeats nothing.
        String anchor = parser.getObjectId();
        if (anchor != null) {
            throw error(line, "anchor '&" + anchor + "': anchors and aliases are not supported; write each value out");
        }
        if (parser.getTypeId() != null) {
            throw error(line, "tag '" + parser.getTypeId() + "': YAML tags are not supported; write a plain value");
        }
        return switch (token) {
            case START_OBJECT -> mapping(line, depth);
            case START_ARRAY -> sequence(line, depth);
            // 'key:' and 'key: ""' both arrive as an empty string: nothing, either way.
            case VALUE_STRING -> scalar(parser.getText().isEmpty() ? YamlNode.Scalar.Type.NULL : YamlNode.Scalar.Type.STRING, line);
            case VALUE_NUMBER_INT -> scalar(YamlNode.Scalar.Type.INTEGER, line);
            case VALUE_NUMBER_FLOAT -> scalar(YamlNode.Scalar.Type.DECIMAL, line);
            case VALUE_TRUE, VALUE_FALSE -> scalar(YamlNode.Scalar.Type.BOOLEAN, line);
            case VALUE_NULL -> scalar(YamlNode.Scalar.Type.NULL, line);
            default -> throw error(line, "unexpected YAML value (" + token + "); write a plain value, list or mapping");
        };
    }

    private YamlNode.Scalar scalar(YamlNode.Scalar.Type type, int line) throws IOException {
        String text = parser.getText();
        if (text.length() > MAX_SCALAR) {
            throw error(line, "a value of " + text.length() + " characters; no field takes more than " + MAX_SCALAR);
        }
        rejectControlCharacters(text, line);
        return new YamlNode.Scalar(text, type, line);
    }

    private YamlNode.Mapping mapping(int line, int depth) throws IOException {
        List<YamlNode.Entry> entries = new ArrayList<>();
        Map<String, Integer> firstLines = new HashMap<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            // The parser alternates names and values inside a mapping.
            String key = parser.currentName();
            int keyLine = line();
            rejectControlCharacters(key, keyLine);
            Integer first = firstLines.putIfAbsent(key, keyLine);
            if (first != null) {
                throw error(keyLine, "key '" + key + "' is given twice (first at line " + first + "); give each key once");
            }
            entries.add(new YamlNode.Entry(key, keyLine, value(parser.nextToken(), depth + 1)));
        }
        return new YamlNode.Mapping(entries, line);
    }

    private YamlNode.Sequence sequence(int line, int depth) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            items.add(value(token, depth + 1));
        }
        return new YamlNode.Sequence(items, line);
    }

    private void rejectControlCharacters(String text, int line) {
        // Escapes in quoted strings ("\0", "\e") make characters the raw text check cannot see.
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw error(line, String.format(Locale.ROOT, "control character U+%04X in a value; remove it", (int) c));
            }
        }
    }

    private int line() {
        int line = parser.currentTokenLocation().getLineNr();
        return line < 1 ? 1 : line;
    }

    private ConfigException error(int line, String problem) {
        return new ConfigException(file, line, "", problem);
    }

    /** SnakeYAML's problem and its context ("expected <block end>, but found '-' (while parsing a block mapping)"). */
    private static String problem(JsonProcessingException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException marked && marked.getProblem() != null) {
                return marked.getProblem().strip() + (marked.getContext() == null ? "" : " (" + marked.getContext().strip() + ")");
            }
        }
        return firstLine(e.getOriginalMessage());
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "unreadable";
        }
        return message.strip().lines().findFirst().orElse("unreadable").strip();
    }
}
