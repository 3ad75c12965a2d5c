package io.bridgewall.ruleset;

import java.util.List;

/**
 * A rule as matches then statements, with an optional comment stored in the kernel (rule
 * userdata) so `nft list` and `bridgewall show` both explain it. {@code unparsed} holds the
 * kernel expressions a read-back could not map onto our model, if any (never in a plan).
 */
public record Rule(List<Match> matches, List<Statement> statements, String comment, List<Expr> unparsed) {
    public Rule {
        matches = List.copyOf(matches);
        statements = List.copyOf(statements);
        comment = comment == null ? "" : comment;
        unparsed = List.copyOf(unparsed);
    }

    public Rule(List<Match> matches, List<Statement> statements, String comment) {
        this(matches, statements, comment, List.of());
    }

    /** The same rule with counters reset: what the plan said, for comparing with the kernel. */
    public Rule withZeroCounters() {
        return new Rule(matches, statements.stream()
                .map(s -> s instanceof Statement.Counter ? Statement.Counter.zero() : s)
                .toList(), comment, unparsed);
    }
}
