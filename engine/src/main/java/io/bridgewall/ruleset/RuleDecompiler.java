package io.bridgewall.ruleset;

import io.bridgewall.policy.IpFamily;
import io.bridgewall.policy.Protocol;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * Reads kernel expressions back into a {@link Rule}: the inverse of {@link RuleCompiler}.
 * A sequence it does not recognise (someone else's edit) is kept whole in
 * {@link Rule#unparsed()}, so nothing read from the kernel is silently dropped.
 */
public final class RuleDecompiler {
    private final List<Expr> exprs;
    private int position;

    private RuleDecompiler(List<Expr> exprs) {
        this.exprs = exprs;
    }

    public static Rule decompile(List<Expr> exprs, String comment) {
        RuleDecompiler reader = new RuleDecompiler(exprs);
        List<Match> matches = new ArrayList<>();
        List<Statement> statements = new ArrayList<>();
        while (reader.position < exprs.size()) {
            Optional<Statement> statement = reader.statement();
            if (statement.isPresent()) {
                statements.add(statement.get());
                continue;
            }
            Optional<Match> match = statements.isEmpty() ? reader.match() : Optional.empty();
            if (match.isEmpty()) {
                return new Rule(List.of(), List.of(), comment, exprs);
            }
            matches.add(match.get());
        }
        Rule rule = new Rule(matches, statements, comment);
        // The patterns above look at keys and set names; compiling back and comparing
        // expression by expression also pins registers, lengths and order, so a rule that
        // merely resembles ours is kept whole as unparsed.
        return RuleCompiler.compile(rule).equals(exprs) ? rule : new Rule(List.of(), List.of(), comment, exprs);
    }

    private Optional<Statement> statement() {
        Expr e = exprs.get(position);
        Statement s = null;
        if (e instanceof Expr.Counter c) {
            s = new Statement.Counter(c.packets(), c.bytes());
        } else if (e instanceof Expr.Immediate i && i.verdict() == Expr.VERDICT_ACCEPT) {
            s = new Statement.Accept();
        } else if (e instanceof Expr.Immediate i && i.verdict() == Expr.VERDICT_DROP) {
            s = new Statement.Drop();
        } else if (e instanceof Expr.Masquerade) {
            s = new Statement.Masquerade();
        } else if (e instanceof Expr.Limit l) {
            s = limit(l).orElse(null);
        } else if (e instanceof Expr.Log l) {
            s = log(l).orElse(null);
        }
        if (s != null) {
            position++;
        }
        return Optional.ofNullable(s);
    }

    /** Only a packet limit, not inverted ("over"), in one of nft's units. */
    private static Optional<Statement> limit(Expr.Limit limit) {
        if (limit.type() != Expr.LIMIT_PACKETS || limit.flags() != 0 || limit.rate() < 1 || limit.burst() < 1) {
            return Optional.empty();
        }
        return Arrays.stream(Statement.Limit.Unit.values()).filter(u -> u.seconds() == limit.unitSeconds()).findFirst()
                .map(unit -> new Statement.Limit(limit.rate(), unit, limit.burst()));
    }

    /** A prefixed log to a group or to the kernel log at a syslog level (not audit, level 8). */
    private static Optional<Statement> log(Expr.Log log) {
        if (log.prefix().isEmpty() || log.group().isPresent() == log.level().isPresent()) {
            return Optional.empty();
        }
        if (log.group().isPresent()) {
            return Optional.of(Statement.Log.toGroup(log.prefix(), log.group().getAsInt()));
        }
        int level = log.level().getAsInt();
        Statement.Log.Level[] levels = Statement.Log.Level.values();
        return level >= 0 && level < levels.length
                ? Optional.of(new Statement.Log(log.prefix(), new Statement.Log.KernelLog(levels[level])))
                : Optional.empty();
    }

    private Optional<Match> match() {
        int start = position;
        Optional<Match> found = interfacePairMatch()
                .or(restart(start, this::interfaceMatch))
                .or(restart(start, this::addressMatch))
                .or(restart(start, this::icmpv6Match))
                .or(restart(start, this::ctStateMatch))
                .or(restart(start, this::portMatch));
        if (found.isEmpty()) {
            position = start;
        }
        return found;
    }

    private java.util.function.Supplier<Optional<Match>> restart(int start, java.util.function.Supplier<Optional<Match>> pattern) {
        return () -> {
            position = start;
            return pattern.get();
        };
    }

    private Optional<Match> interfacePairMatch() {
        Optional<Expr.Meta> in = next(Expr.Meta.class);
        Optional<Expr.Meta> out = next(Expr.Meta.class);
        Optional<Expr.Lookup> lookup = next(Expr.Lookup.class);
        if (in.equals(Optional.of(new Expr.Meta(Expr.META_IIFNAME, Expr.REG_1)))
                && out.equals(Optional.of(new Expr.Meta(Expr.META_OIFNAME, Expr.REG_2)))
                && lookup.isPresent() && lookup.get().register() == Expr.REG_1 && lookup.get().flags() == 0) {
            return Optional.of(new Match.InterfacePairInSet(lookup.get().set()));
        }
        return Optional.empty();
    }

    private Optional<Match> interfaceMatch() {
        Optional<Expr.Meta> meta = next(Expr.Meta.class);
        if (meta.isEmpty() || meta.get().key() != Expr.META_IIFNAME && meta.get().key() != Expr.META_OIFNAME) {
            return Optional.empty();
        }
        Match.Direction direction = meta.get().key() == Expr.META_IIFNAME ? Match.Direction.IN : Match.Direction.OUT;
        int afterMeta = position;
        Optional<Expr.Lookup> lookup = next(Expr.Lookup.class);
        if (lookup.isPresent() && (lookup.get().flags() & ~Expr.LOOKUP_INVERT) == 0) {
            return Optional.of(new Match.InterfaceInSet(direction, lookup.get().set(),
                    lookup.get().flags() == Expr.LOOKUP_INVERT));
        }
        position = afterMeta;
        Optional<Expr.Cmp> cmp = next(Expr.Cmp.class);
        if (cmp.isPresent() && cmp.get().operator() == Expr.CMP_EQ) {
            byte[] data = cmp.get().data().toArray();
            int end = 0;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            if (end > 0 && end < data.length) {
                return Optional.of(new Match.InterfaceIs(direction, new String(data, 0, end, StandardCharsets.UTF_8)));
            }
        }
        return Optional.empty();
    }

    private Optional<Match> addressMatch() {
        Optional<Integer> nfproto = nfproto();
        if (nfproto.isEmpty()) {
            return Optional.empty();
        }
        IpFamily family = nfproto.get() == RuleCompiler.NFPROTO_IPV4 ? IpFamily.IPV4 : IpFamily.IPV6;
        Optional<Expr.Payload> payload = next(Expr.Payload.class);
        Optional<Expr.Lookup> lookup = next(Expr.Lookup.class);
        if (payload.isEmpty() || lookup.isEmpty() || lookup.get().flags() != 0) {
            return Optional.empty();
        }
        for (Match.AddressField field : Match.AddressField.values()) {
            if (RuleCompiler.addressPayload(family, field).equals(payload.get())) {
                return Optional.of(new Match.AddressInSet(family, field, lookup.get().set()));
            }
        }
        return Optional.empty();
    }

    private Optional<Match> icmpv6Match() {
        if (!nfproto().equals(Optional.of(RuleCompiler.NFPROTO_IPV6))
                || !l4proto().equals(Optional.of(RuleCompiler.IPPROTO_ICMPV6))) {
            return Optional.empty();
        }
        Optional<Expr.Payload> payload = next(Expr.Payload.class);
        Optional<Expr.Lookup> lookup = next(Expr.Lookup.class);
        if (payload.equals(Optional.of(new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 0, 1, Expr.REG_1)))
                && lookup.isPresent() && lookup.get().flags() == 0) {
            return Optional.of(new Match.Icmpv6TypeInSet(lookup.get().set()));
        }
        return Optional.empty();
    }

    private Optional<Match> ctStateMatch() {
        Optional<Expr.Ct> ct = next(Expr.Ct.class);
        Optional<Expr.Bitwise> bitwise = next(Expr.Bitwise.class);
        Optional<Expr.Cmp> cmp = next(Expr.Cmp.class);
        if (ct.isEmpty() || ct.get().key() != Expr.CT_STATE || bitwise.isEmpty() || cmp.isEmpty()
                || bitwise.get().mask().length() != 4 || !bitwise.get().xor().equals(ByteString.hostU32(0))
                || cmp.get().operator() != Expr.CMP_NEQ || !cmp.get().data().equals(ByteString.hostU32(0))) {
            return Optional.empty();
        }
        int mask = bitwise.get().mask().hostU32();
        EnumSet<Match.CtState> states = EnumSet.noneOf(Match.CtState.class);
        for (Match.CtState state : Match.CtState.values()) {
            if ((mask & state.bit()) != 0) {
                states.add(state);
                mask &= ~state.bit();
            }
        }
        return mask == 0 && !states.isEmpty() ? Optional.of(new Match.CtStateIn(states)) : Optional.empty();
    }

    private Optional<Match> portMatch() {
        Optional<Integer> protocol = l4proto();
        Optional<Expr.Payload> payload = next(Expr.Payload.class);
        Optional<Expr.Lookup> lookup = next(Expr.Lookup.class);
        if (protocol.isEmpty() || lookup.isEmpty() || lookup.get().flags() != 0
                || !payload.equals(Optional.of(new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 2, 2, Expr.REG_1)))) {
            return Optional.empty();
        }
        if (protocol.get() == RuleCompiler.IPPROTO_TCP) {
            return Optional.of(new Match.DestinationPortInSet(Protocol.TCP, lookup.get().set()));
        }
        if (protocol.get() == RuleCompiler.IPPROTO_UDP) {
            return Optional.of(new Match.DestinationPortInSet(Protocol.UDP, lookup.get().set()));
        }
        return Optional.empty();
    }

    /** `meta nfproto ipv4|ipv6` as an inet table's dependency check. */
    private Optional<Integer> nfproto() {
        return metaEquals(Expr.META_NFPROTO)
                .filter(v -> v == RuleCompiler.NFPROTO_IPV4 || v == RuleCompiler.NFPROTO_IPV6);
    }

    private Optional<Integer> l4proto() {
        return metaEquals(Expr.META_L4PROTO);
    }

    private Optional<Integer> metaEquals(int key) {
        Optional<Expr.Meta> meta = next(Expr.Meta.class);
        Optional<Expr.Cmp> cmp = next(Expr.Cmp.class);
        if (meta.isEmpty() || meta.get().key() != key || cmp.isEmpty() || cmp.get().operator() != Expr.CMP_EQ
                || cmp.get().data().length() != 1) {
            return Optional.empty();
        }
        return Optional.of(cmp.get().data().byteAt(0));
    }

    private <T extends Expr> Optional<T> next(Class<T> type) {
        if (position < exprs.size() && type.isInstance(exprs.get(position))) {
            return Optional.of(type.cast(exprs.get(position++)));
        }
        position = exprs.size() + 1;
        return Optional.empty();
    }
}
