package io.bridgewall.cli.config;

import java.util.List;

/**
 * A value of the config file with the line it starts on, so that every error can name its line.
 * Only what a config file needs: mappings with string keys, sequences and plain scalars (no
 * anchors, aliases or tags; {@link YamlDocument} refuses those).
 */
sealed interface YamlNode {
    /** 1-based line of the value's first character. */
    int line();

    /** What the value is, for "expected a list, found a mapping" messages. */
    String kind();

    /** A scalar as Jackson's YAML parser typed it. */
    record Scalar(String text, Type type, int line) implements YamlNode {
        enum Type {
            STRING("a string"), INTEGER("a number"), DECIMAL("a decimal number"), BOOLEAN("true/false"), NULL("nothing");

            private final String words;

            Type(String words) {
                this.words = words;
            }
        }

        @Override
        public String kind() {
            return type == Type.STRING ? "the string '" + text + "'" : type.words + (type == Type.NULL ? "" : " (" + text + ")");
        }
    }

    record Sequence(List<YamlNode> items, int line) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }

    /** Keys in file order, each once ({@link YamlDocument} refuses a key given twice). */
    record Mapping(List<Entry> entries, int line) implements YamlNode {
        public Mapping {
            entries = List.copyOf(entries);
        }

        @Override
        public String kind() {
            return "a mapping";
        }
    }

    record Entry(String key, int line, YamlNode value) {
    }
}
