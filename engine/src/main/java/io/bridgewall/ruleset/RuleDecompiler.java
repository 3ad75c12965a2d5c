package io.bridgewall.ruleset;

import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.InvalidInputException;
import io.bridgewall.policy.IpFamily;
import io.bridgewall.policy.PortRange;
import io.bridgewall.policy.Protocol;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

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
        Optional<Statement> markSet = ctMarkSet();
        if (markSet.isPresent()) {
            return markSet;
        }
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

    /** The two forms {@link RuleCompiler#ctMarkSet} writes, exactly; registers are pinned by compiling back. */
    private Optional<Statement> ctMarkSet() {
        int start = position;
        Statement.CtMarkSet found = null;
        if (exprs.get(position) instanceof Expr.ImmediateData immediate && position + 1 < exprs.size()
                && exprs.get(position + 1) instanceof Expr.CtSet set && set.key() == Expr.CT_MARK
                && immediate.data().length() == 4) {
            found = new Statement.CtMarkSet(-1, immediate.data().hostU32());
            position += 2;
        } else if (position + 2 < exprs.size() && exprs.get(position) instanceof Expr.Ct load && load.key() == Expr.CT_MARK
                && exprs.get(position + 1) instanceof Expr.Bitwise bitwise && bitwise.mask().length() == 4
                && bitwise.xor().length() == 4 && exprs.get(position + 2) instanceof Expr.CtSet set && set.key() == Expr.CT_MARK) {
            int mask = ~bitwise.mask().hostU32();
            int value = bitwise.xor().hostU32();
            if (mask != 0 && (value & ~mask) == 0) {
                found = new Statement.CtMarkSet(mask, value);
                position += 3;
            }
        }
        if (found == null) {
            position = start;
        }
        return Optional.ofNullable(found);
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
                .or(restart(start, this::ctStatusMatch))
                .or(restart(start, this::ctMarkMatch))
                .or(restart(start, this::ctDirectionMatch))
                .or(restart(start, this::portMatch))
                .or(restart(start, this::protocolMatch))
                .or(restart(start, this::serviceMatch));
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
        if (payload.isEmpty()) {
            return Optional.empty();
        }
        int afterPayload = position;
        Optional<Expr.Lookup> lookup = next(Expr.Lookup.class);
        if (lookup.isPresent()) {
            if (lookup.get().flags() != 0) {
                return Optional.empty();
            }
            for (Match.AddressField field : Match.AddressField.values()) {
                if (RuleCompiler.addressPayload(family, field).equals(payload.get())) {
                    return Optional.of(new Match.AddressInSet(family, field, lookup.get().set()));
                }
            }
            return Optional.empty();
        }
        position = afterPayload;
        return networkMatch(family, payload.get());
    }

    /** {@code ip daddr 10.1.0.0/16} after its payload load: [bitwise with a prefix mask] then cmp eq. */
    private Optional<Match> networkMatch(IpFamily family, Expr.Payload payload) {
        Optional<Match.AddressField> field = java.util.Arrays.stream(Match.AddressField.values())
                .filter(f -> RuleCompiler.addressPayload(family, f).offset() == payload.offset())
                .findFirst();
        if (field.isEmpty() || payload.base() != Expr.PAYLOAD_NETWORK_HEADER || payload.register() != Expr.REG_1
                || payload.length() < 1 || payload.length() > family.byteLength()) {
            return Optional.empty();
        }
        int prefix = payload.length() * 8;
        if (position < exprs.size() && exprs.get(position) instanceof Expr.Bitwise bitwise) {
            position++;
            prefix = prefixLength(bitwise.mask().toArray());
            if (prefix < 0 || !bitwise.xor().equals(ByteString.of(new byte[family.byteLength()]))) {
                return Optional.empty();
            }
        }
        Optional<Expr.Cmp> cmp = next(Expr.Cmp.class);
        if (cmp.isEmpty() || cmp.get().operator() != Expr.CMP_EQ || cmp.get().data().length() != payload.length()) {
            return Optional.empty();
        }
        try {
            byte[] address = java.util.Arrays.copyOf(cmp.get().data().toArray(), family.byteLength());
            return Optional.of(new Match.AddressIn(field.get(),
                    new Cidr(java.net.InetAddress.getByAddress(address), prefix)));
        } catch (InvalidInputException | IllegalArgumentException | java.net.UnknownHostException e) {
            // Host bits set, or a prefix of nothing: no rule bridgewall writes.
            return Optional.empty();
        }
    }

    /** The length of a mask of leading ones then zeros, or -1 for any other mask. */
    private static int prefixLength(byte[] mask) {
        int ones = 0;
        boolean zeros = false;
        for (byte b : mask) {
            for (int bit = 7; bit >= 0; bit--) {
                boolean one = (b >> bit & 1) == 1;
                if (one && zeros) {
                    return -1;
                }
                if (one) {
                    ones++;
                } else {
                    zeros = true;
                }
            }
        }
        return ones;
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
        OptionalInt masked = ctBitsAnySet(Expr.CT_STATE);
        if (masked.isEmpty()) {
            return Optional.empty();
        }
        int mask = masked.getAsInt();
        EnumSet<Match.CtState> states = EnumSet.noneOf(Match.CtState.class);
        for (Match.CtState state : Match.CtState.values()) {
            if ((mask & state.bit()) != 0) {
                states.add(state);
                mask &= ~state.bit();
            }
        }
        return mask == 0 && !states.isEmpty() ? Optional.of(new Match.CtStateIn(states)) : Optional.empty();
    }

    private Optional<Match> ctStatusMatch() {
        OptionalInt masked = ctBitsAnySet(Expr.CT_STATUS);
        if (masked.isEmpty()) {
            return Optional.empty();
        }
        int mask = masked.getAsInt();
        EnumSet<Match.CtStatus> statuses = EnumSet.noneOf(Match.CtStatus.class);
        for (Match.CtStatus status : Match.CtStatus.values()) {
            if ((mask & status.bit()) != 0) {
                statuses.add(status);
                mask &= ~status.bit();
            }
        }
        return mask == 0 && !statuses.isEmpty() ? Optional.of(new Match.CtStatusIn(statuses)) : Optional.empty();
    }

    /** {@code ct load direction; cmp == 0 or 1} (one byte). */
    private Optional<Match> ctDirectionMatch() {
        Optional<Expr.Ct> ct = next(Expr.Ct.class);
        Optional<Expr.Cmp> cmp = next(Expr.Cmp.class);
        if (ct.isEmpty() || ct.get().key() != Expr.CT_DIRECTION || ct.get().register() != Expr.REG_1 || cmp.isEmpty()
                || cmp.get().operator() != Expr.CMP_EQ || cmp.get().register() != Expr.REG_1 || cmp.get().data().length() != 1) {
            return Optional.empty();
        }
        int code = cmp.get().data().byteAt(0) & 0xff;
        return java.util.Arrays.stream(Match.CtDirection.values()).filter(d -> d.code() == code).findFirst()
                .map(Match.CtDirectionIs::new);
    }

    /** {@code ct load mark; [bitwise & MASK ^ 0;] cmp == VALUE}. */
    private Optional<Match> ctMarkMatch() {
        Optional<Expr.Ct> ct = next(Expr.Ct.class);
        if (ct.isEmpty() || ct.get().key() != Expr.CT_MARK) {
            return Optional.empty();
        }
        int mask = -1;
        if (position < exprs.size() && exprs.get(position) instanceof Expr.Bitwise bitwise) {
            position++;
            if (bitwise.mask().length() != 4 || !bitwise.xor().equals(ByteString.hostU32(0))) {
                return Optional.empty();
            }
            mask = bitwise.mask().hostU32();
        }
        Optional<Expr.Cmp> cmp = next(Expr.Cmp.class);
        if (cmp.isEmpty() || cmp.get().operator() != Expr.CMP_EQ || cmp.get().data().length() != 4) {
            return Optional.empty();
        }
        int value = cmp.get().data().hostU32();
        return mask != 0 && (value & ~mask) == 0 ? Optional.of(new Match.CtMarkIs(mask, value)) : Optional.empty();
    }

    /** {@code ct load KEY; bitwise & MASK ^ 0; cmp != 0}: the MASK of "any of these bits", or empty. */
    private OptionalInt ctBitsAnySet(int key) {
        Optional<Expr.Ct> ct = next(Expr.Ct.class);
        Optional<Expr.Bitwise> bitwise = next(Expr.Bitwise.class);
        Optional<Expr.Cmp> cmp = next(Expr.Cmp.class);
        if (ct.isEmpty() || ct.get().key() != key || ct.get().register() != Expr.REG_1 || bitwise.isEmpty() || cmp.isEmpty()
                || bitwise.get().sourceRegister() != Expr.REG_1 || bitwise.get().destinationRegister() != Expr.REG_1
                || bitwise.get().mask().length() != 4 || !bitwise.get().xor().equals(ByteString.hostU32(0))
                || cmp.get().operator() != Expr.CMP_NEQ || cmp.get().register() != Expr.REG_1
                || !cmp.get().data().equals(ByteString.hostU32(0))) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(bitwise.get().mask().hostU32());
    }

    private Optional<Match> portMatch() {
        Optional<Protocol> protocol = l4proto().flatMap(RuleDecompiler::transport);
        Optional<Expr.Payload> payload = next(Expr.Payload.class);
        if (protocol.isEmpty()
                || !payload.equals(Optional.of(new Expr.Payload(Expr.PAYLOAD_TRANSPORT_HEADER, 2, 2, Expr.REG_1)))) {
            return Optional.empty();
        }
        int afterPayload = position;
        Optional<Expr.Lookup> lookup = next(Expr.Lookup.class);
        if (lookup.isPresent()) {
            return lookup.get().flags() == 0
                    ? Optional.of(new Match.DestinationPortInSet(protocol.get(), lookup.get().set())) : Optional.empty();
        }
        position = afterPayload;
        Optional<Expr.Cmp> first = next(Expr.Cmp.class);
        if (first.isEmpty() || first.get().data().length() != 2) {
            return Optional.empty();
        }
        try {
            if (first.get().operator() == Expr.CMP_EQ) {
                return Optional.of(new Match.DestinationPortIn(protocol.get(), PortRange.single(first.get().data().bigEndianU16())));
            }
            Optional<Expr.Cmp> second = next(Expr.Cmp.class);
            if (first.get().operator() == Expr.CMP_GTE && second.isPresent() && second.get().operator() == Expr.CMP_LTE
                    && second.get().data().length() == 2) {
                return Optional.of(new Match.DestinationPortIn(protocol.get(),
                        new PortRange(first.get().data().bigEndianU16(), second.get().data().bigEndianU16())));
            }
        } catch (InvalidInputException e) {
            // Port 0 or a reversed range: no rule bridgewall writes.
        }
        return Optional.empty();
    }

    /** {@code meta l4proto tcp} alone. */
    private Optional<Match> protocolMatch() {
        return l4proto().flatMap(RuleDecompiler::transport).map(Match.ProtocolIs::new);
    }

    private static Optional<Protocol> transport(int ipProtocol) {
        if (ipProtocol == RuleCompiler.IPPROTO_TCP) {
            return Optional.of(Protocol.TCP);
        }
        if (ipProtocol == RuleCompiler.IPPROTO_UDP) {
            return Optional.of(Protocol.UDP);
        }
        return Optional.empty();
    }

    /** {@link Match.ServiceInSet}: registers and offsets are pinned by compiling back (see decompile). */
    private Optional<Match> serviceMatch() {
        Optional<Integer> nfproto = nfproto();
        if (nfproto.isEmpty()) {
            return Optional.empty();
        }
        IpFamily family = nfproto.get() == RuleCompiler.NFPROTO_IPV4 ? IpFamily.IPV4 : IpFamily.IPV6;
        boolean withAddress = position < exprs.size() && exprs.get(position) instanceof Expr.Payload;
        if (withAddress && !next(Expr.Payload.class).equals(Optional.of(
                RuleCompiler.addressPayload(family, Match.AddressField.DESTINATION)))) {
            return Optional.empty();
        }
        Optional<Expr.Meta> l4proto = next(Expr.Meta.class);
        Optional<Expr.Payload> port = next(Expr.Payload.class);
        Optional<Expr.Lookup> lookup = next(Expr.Lookup.class);
        if (l4proto.isEmpty() || l4proto.get().key() != Expr.META_L4PROTO || port.isEmpty()
                || port.get().base() != Expr.PAYLOAD_TRANSPORT_HEADER || lookup.isEmpty() || lookup.get().flags() != 0) {
            return Optional.empty();
        }
        return Optional.of(new Match.ServiceInSet(family, withAddress, lookup.get().set()));
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
