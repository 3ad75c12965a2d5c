package io.bridgewall.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Colours whole lines by how they begin, on their way to a terminal. It sits between the
 * escaping writer ({@link TerminalText#escaping}) and the terminal, so the text it sees has
 * every control character already escaped: the only escape sequences that reach the terminal
 * are the ones written here, chosen by a line's fixed opening words (which bridgewall's own
 * code prints, never Docker or the command line), and each is reset before the line ends.
 * Main puts it in place only when {@link Environment#colourOn} says so.
 */
final class ColouredLines extends FilterWriter {
    /** The opening words of a line, and the colour (an SGR parameter) it is printed in. */
    record Rule(String opening, String sgr) {
    }

    private static final String GREEN = "32";
    private static final String YELLOW = "33";

    /** stdout: the lines that say a command did what was asked. */
    static final List<Rule> RESULTS = List.of(
            new Rule("verified:", GREEN),
            new Rule("confirmed:", GREEN),
            new Rule("check: the kernel would take it", GREEN));

    /** stderr: warnings (errors stay plain: watch logs its changes with the same prefix). */
    static final List<Rule> WARNINGS = List.of(new Rule("bridgewall: warning:", YELLOW));

    private static final String RESET = "\u001b[0m";
    /** Enough of a line to tell which rule, if any, it falls under. */
    private final int longestOpening;
    private final List<Rule> rules;
    /** The start of the current line, held back until its colour is known. */
    private final StringBuilder lineStart = new StringBuilder();
    /** The current line's colour was decided (and its start written). */
    private boolean decided;
    private boolean coloured;

    ColouredLines(Writer target, List<Rule> rules) {
        super(target);
        this.rules = List.copyOf(rules);
        this.longestOpening = rules.stream().mapToInt(rule -> rule.opening().length()).max().orElse(0);
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
        for (int i = offset; i < offset + length; i++) {
            char c = chars[i];
            if (c == '\n') {
                decide();
                if (coloured) {
                    out.write(RESET);
                }
                out.write('\n');
                decided = false;
                coloured = false;
            } else if (decided) {
                out.write(c);
            } else {
                lineStart.append(c);
                if (lineStart.length() >= longestOpening) {
                    decide();
                }
            }
        }
    }

    /** Chooses the current line's colour from what is known of it, and writes what was held back. */
    private void decide() throws IOException {
        if (decided) {
            return;
        }
        for (Rule rule : rules) {
            if (lineStart.toString().startsWith(rule.opening())) {
                out.write("\u001b[" + rule.sgr() + "m");
                coloured = true;
                break;
            }
        }
        out.write(lineStart.toString());
        lineStart.setLength(0);
        decided = true;
    }

    @Override
    public void flush() throws IOException {
        // A line flushed before its end is decided on what it has so far (bridgewall's own
        // lines are printed whole, so this only costs colour on a half-printed line).
        if (lineStart.length() > 0) {
            decide();
        }
        super.flush();
    }

    @Override
    public void close() throws IOException {
        if (coloured) {
            out.write(RESET);
            coloured = false;
        }
        flush();
        super.close();
    }
}
