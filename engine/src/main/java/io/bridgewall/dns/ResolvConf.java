package io.bridgewall.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The nameservers of a resolv.conf file, parsed as glibc reads it: a {@code nameserver} line
 * names one address; comments start with '#' or ';'; other keywords are not about where
 * queries go. Pure (the text is read elsewhere, bounded), so hostile content is tested directly.
 *
 * @param nameservers every address named, in file order, duplicates dropped, at most {@link #MAX_NAMESERVERS}
 * @param problems    what was not understood, one entry per line (at most a few are kept, all are counted)
 * @param problemCount lines not understood in all
 */
public record ResolvConf(List<InetAddress> nameservers, List<String> problems, int problemCount) {
    /** glibc uses 3, Docker copies them all; no sane file has more than a handful. */
    static final int MAX_NAMESERVERS = 64;
    static final int PROBLEMS_KEPT = 3;
    private static final Set<String> OTHER_KEYWORDS = Set.of("domain", "search", "sortlist", "options", "lookup", "family");

    public ResolvConf {
        nameservers = List.copyOf(nameservers);
        problems = List.copyOf(problems);
    }

    public static ResolvConf parse(String text) {
        List<InetAddress> nameservers = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int problemCount = 0;
        int lineNumber = 0;
        int tooMany = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            String problem = null;
            String content = line.strip();
            if (content.isEmpty() || content.startsWith("#") || content.startsWith(";")) {
                continue;
            }
            String[] words = content.split("[ \t]+");
            String keyword = words[0];
            if (keyword.equals("nameserver")) {
                if (words.length < 2) {
                    problem = "line " + lineNumber + ": nameserver without an address";
                } else {
                    var address = NameserverText.parse(words[1]);
                    if (address.isEmpty()) {
                        problem = "line " + lineNumber + ": '" + shorten(words[1]) + "' is not an IP address";
                    } else if (nameservers.size() >= MAX_NAMESERVERS) {
                        tooMany++;
                    } else if (!nameservers.contains(address.get())) {
                        nameservers.add(address.get());
                    }
                }
            } else if (!OTHER_KEYWORDS.contains(keyword)) {
                problem = "line " + lineNumber + ": '" + shorten(content) + "' is not a resolv.conf line";
            }
            if (problem != null) {
                problemCount++;
                if (problems.size() < PROBLEMS_KEPT) {
                    problems.add(problem);
                }
            }
        }
        if (tooMany > 0) {
            problemCount++;
            problems.add(tooMany + " nameserver(s) beyond the first " + MAX_NAMESERVERS + " ignored");
        }
        return new ResolvConf(nameservers, problems, problemCount);
    }

    /** A piece of a hostile file quoted in a message: short, and without what a terminal would act on. */
    static String shorten(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(40).forEach(c -> {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0xfffd) {
                out.append('?');
            } else {
                out.appendCodePoint(c);
            }
        });
        return text.codePointCount(0, text.length()) > 40 ? out + "…" : out.toString();
    }
}
