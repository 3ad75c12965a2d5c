package io.bridgewall.kernel;

import io.bridgewall.ruleset.ByteString;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.SetElement;
import io.bridgewall.ruleset.SetType;
import io.bridgewall.nftnl.NftnlSet;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Something in our table that bridgewall did not put there, or not in this shape. Each says
 * in one line what it is ({@link #describe()}) and prints itself the way `nft list` would
 * ({@link #nftLines()}, without the table's indentation).
 */
public sealed interface Foreign {
    String describe();

    List<String> nftLines();

    /** NFT_TABLE_F_DORMANT: the table's chains are detached from their hooks; nothing is filtered. */
    int TABLE_DORMANT = 0x1;

    /** Table flags: dormant (nothing filtered at all), owner, persist. */
    record TableFlags(int flags) implements Foreign {
        @Override
        public String describe() {
            return "table flags " + names() + ((flags & TABLE_DORMANT) != 0 ? " (dormant: none of its chains filters anything)" : "");
        }

        @Override
        public List<String> nftLines() {
            return List.of("flags " + names());
        }

        private String names() {
            return Words.flags(flags, Map.of(0x1, "dormant", 0x2, "owner", 0x4, "persist"));
        }
    }

    /** A set or map of a name, type or with attributes bridgewall never makes. */
    record ForeignSet(TableDump.SetDump set, String why) implements Foreign {
        @Override
        public String describe() {
            return (set.isMap() ? "map " : "set ") + set.name() + ": " + why;
        }

        @Override
        public List<String> nftLines() {
            List<String> lines = new ArrayList<>();
            lines.add((set.isMap() ? "map " : "set ") + set.name() + " {");
            String type = "type " + Words.keyType(set.keyType(), set.keyLength());
            if (set.dataType().isPresent()) {
                type += " : " + Words.dataType(set.dataType().getAsInt(), set.dataLength());
            } else if (set.objectType().isPresent()) {
                type += " : " + Words.objectType(set.objectType().getAsInt());
            }
            lines.add("\t" + type);
            // nft writes a map's own flags (map, object) as the word "map", not as flags.
            int flags = set.flags() & ~(0x8 | 0x40);
            if (flags != 0) {
                lines.add("\tflags " + Words.setFlags(flags));
            }
            set.timeoutMs().ifPresent(ms -> lines.add("\ttimeout " + Words.duration(ms)));
            set.gcIntervalMs().ifPresent(ms -> lines.add("\tgc-interval " + Words.duration(ms)));
            set.size().ifPresent(size -> lines.add("\tsize " + size));
            set.policy().ifPresent(policy -> lines.add("\tpolicy " + (policy == 1 ? "memory" : "performance")));
            if (set.expressions()) {
                lines.add("\t# with stateful expressions on every element");
            }
            List<String> elements = Words.elements(set);
            if (!elements.isEmpty()) {
                lines.add("\telements = { " + String.join(", ", elements) + " }");
            }
            lines.add("}");
            return lines;
        }
    }

    /** A chain bridgewall never makes: another name, a regular chain, another hook or device. */
    record ForeignChain(TableDump.ChainDump chain, List<Rule> rules, String why) implements Foreign {
        public ForeignChain {
            rules = List.copyOf(rules);
        }

        @Override
        public String describe() {
            return (chain.base() ? "base chain " : "chain ") + chain.name() + ": " + why;
        }

        @Override
        public List<String> nftLines() {
            List<String> lines = new ArrayList<>();
            lines.add("chain " + chain.name() + " {");
            if (chain.base()) {
                String device = chain.device().isEmpty() ? "" : " device \"" + Words.printable(chain.device()) + "\"";
                lines.add("\ttype " + Words.printable(chain.type()) + " hook " + Words.hook(chain.hook()) + device
                        + " priority " + chain.priority() + "; policy "
                        + (chain.policy().isPresent() ? NftSyntax.verdictText(chain.policy().getAsInt(), "") : "accept") + ";");
            }
            if (chain.flagsBeyondBase() != 0) {
                lines.add("\tflags " + Words.chainFlags(chain.flagsBeyondBase()));
            }
            rules.forEach(rule -> lines.add("\t" + NftSyntax.listedRuleText(rule)));
            lines.add("}");
            return lines;
        }
    }

    /** A named counter, quota, limit, ct helper ...: bridgewall makes none. */
    record StatefulObject(TableDump.ObjectDump object) implements Foreign {
        @Override
        public String describe() {
            return Words.objectType(object.type()) + " " + object.name();
        }

        @Override
        public List<String> nftLines() {
            return List.of(Words.objectType(object.type()) + " " + object.name() + " {",
                    "\t# " + Words.printable(Words.bracketed(object.text())), "}");
        }
    }

    record Flowtable(TableDump.FlowtableDump flowtable) implements Foreign {
        @Override
        public String describe() {
            return "flowtable " + flowtable.name() + " (offloads the connections of " + flowtable.devices() + ")";
        }

        @Override
        public List<String> nftLines() {
            return List.of("flowtable " + flowtable.name() + " {",
                    // A flowtable hooks netdev ingress (0), the only hook it has.
                    "\thook " + (flowtable.hook() == 0 ? "ingress" : "hook-" + flowtable.hook()) + " priority " + flowtable.priority() + "; devices = { "
                            + flowtable.devices().stream().map(Words::printable).collect(Collectors.joining(", ")) + " };",
                    "}");
        }
    }

    /** nft's words for kernel numbers. */
    final class Words {
        /** NFT_DATA_VERDICT: a verdict map's data type. */
        static final int DATA_VERDICT = 0xffffff00;
        private static final Map<Integer, String> SET_FLAGS = Map.of(0x1, "anonymous", 0x2, "constant", 0x4, "interval",
                0x8, "map", 0x10, "timeout", 0x20, "dynamic", 0x40, "object", 0x80, "concat", 0x100, "expr");
        private static final List<String> HOOKS = List.of("prerouting", "input", "forward", "output", "postrouting", "ingress");
        private static final Map<Integer, String> OBJECT_TYPES = Map.of(1, "counter", 2, "quota", 3, "ct helper", 4, "limit",
                5, "connlimit", 6, "tunnel", 7, "ct timeout", 8, "secmark", 9, "ct expectation", 10, "synproxy");

        private Words() {
        }

        static String flags(int flags, Map<Integer, String> names) {
            List<String> out = new ArrayList<>();
            for (int bit = 0; bit < 31; bit++) {
                int flag = 1 << bit;
                if ((flags & flag) != 0) {
                    out.add(names.getOrDefault(flag, "0x" + Integer.toHexString(flag)));
                }
            }
            return String.join(",", out);
        }

        static String chainFlags(int flags) {
            return flags(flags, Map.of(0x1, "base", 0x2, "offload", 0x4, "binding"));
        }

        static String setFlags(int flags) {
            return flags(flags, SET_FLAGS);
        }

        static String hook(int number) {
            return number >= 0 && number < HOOKS.size() ? HOOKS.get(number) : "hook-" + number;
        }

        static String objectType(int type) {
            return OBJECT_TYPES.getOrDefault(type, "object type " + type);
        }

        static String keyType(int datatype, int length) {
            return SetType.byDatatype(datatype).filter(t -> t.keyLength() == length).map(SetType::nftName)
                    .orElse("datatype-" + Integer.toUnsignedString(datatype) + " /* " + length + "-byte keys */");
        }

        static String dataType(int datatype, int length) {
            if (datatype == DATA_VERDICT) {
                return "verdict";
            }
            return keyType(datatype, length);
        }

        static String duration(long ms) {
            return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
        }

        /** libnftnl prints an object's state in brackets at the end: keep that part. */
        static String bracketed(String text) {
            int open = text.indexOf('[');
            return open >= 0 ? text.substring(open) : text;
        }

        static String printable(String text) {
            return text.replaceAll("[^\\x20-\\x7e]", "?");
        }

        static String hex(byte[] bytes) {
            return "0x" + HexFormat.of().formatHex(bytes);
        }

        /** The elements of a set in nft words; ranges for interval sets, with their map data. */
        static List<String> elements(TableDump.SetDump set) {
            java.util.Optional<SetType> type = SetType.byDatatype(set.keyType()).filter(t -> t.keyLength() == set.keyLength());
            List<String> out = new ArrayList<>();
            if ((set.flags() & 0x4) == 0) {
                for (NftnlSet.Element element : set.elements()) {
                    ByteString key = ByteString.of(element.key());
                    out.add(key(type, new SetElement(key, key, "")) + suffix(element));
                }
                return out;
            }
            List<NftnlSet.Element> sorted = new ArrayList<>(set.elements());
            sorted.sort(Comparator.<NftnlSet.Element, ByteString>comparing(e -> ByteString.of(e.key()))
                    .thenComparing(e -> !e.isIntervalEnd()));
            NftnlSet.Element start = null;
            for (NftnlSet.Element element : sorted) {
                if (start != null) {
                    out.add(range(type, start, element.key()) + suffix(start));
                    start = null;
                }
                if (!element.isIntervalEnd()) {
                    start = element;
                }
            }
            if (start != null) {
                byte[] top = new byte[start.key().length];
                java.util.Arrays.fill(top, (byte) 0xff);
                out.add(key(type, new SetElement(ByteString.of(start.key()), ByteString.of(top), "")) + suffix(start));
            }
            return out;
        }

        /** start .. end-1, end being the exclusive end the kernel stores. */
        private static String range(java.util.Optional<SetType> type, NftnlSet.Element start, byte[] end) {
            BigInteger last = new BigInteger(1, end).subtract(BigInteger.ONE);
            byte[] raw = last.signum() < 0 ? new byte[end.length] : last.toByteArray();
            byte[] bytes = new byte[end.length];
            int copy = Math.min(raw.length, bytes.length);
            System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
            ByteString first = ByteString.of(start.key());
            ByteString lastKey = ByteString.of(bytes);
            if (first.length() != lastKey.length() || first.compareTo(lastKey) > 0) {
                return hex(start.key()) + "-" + hex(end);
            }
            return key(type, new SetElement(first, lastKey, ""));
        }

        private static String key(java.util.Optional<SetType> type, SetElement element) {
            if (type.isPresent()) {
                return printable(NftSyntax.elementText(type.get(), element));
            }
            return element.isSingle() ? hex(element.first().toArray())
                    : hex(element.first().toArray()) + "-" + hex(element.last().toArray());
        }

        private static String suffix(NftnlSet.Element element) {
            StringBuilder text = new StringBuilder();
            if (element.verdict().isPresent()) {
                text.append(" : ").append(NftSyntax.verdictText(element.verdict().getAsInt(), printable(element.chain())));
            } else if (element.data().length > 0) {
                text.append(" : ").append(hex(element.data()));
            }
            if (element.timeoutMs() != 0) {
                text.append(" timeout ").append(duration(element.timeoutMs()));
            }
            if (!element.others().isEmpty()) {
                text.append(" /* ").append(printable(String.join(", ", element.others()))).append(" */");
            }
            return text.toString();
        }
    }
}
