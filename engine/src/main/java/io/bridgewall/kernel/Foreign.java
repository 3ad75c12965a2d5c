package io.bridgewall.kernel;

import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.Rule;
import java.util.ArrayList;
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
            return NftWords.flags(flags, Map.of(0x1, "dormant", 0x2, "owner", 0x4, "persist"));
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
            String type = "type " + NftWords.keyType(set.keyType(), set.keyLength());
            if (set.dataType().isPresent()) {
                type += " : " + NftWords.dataType(set.dataType().getAsInt(), set.dataLength());
            } else if (set.objectType().isPresent()) {
                type += " : " + NftWords.objectType(set.objectType().getAsInt());
            }
            lines.add("\t" + type);
            // nft writes a map's own flags (map, object) as the word "map", not as flags.
            int flags = set.flags() & ~(NftWords.SET_MAP | NftWords.SET_OBJECT);
            if (flags != 0) {
                lines.add("\tflags " + NftWords.setFlags(flags));
            }
            set.timeoutMs().ifPresent(ms -> lines.add("\ttimeout " + NftWords.duration(ms)));
            set.gcIntervalMs().ifPresent(ms -> lines.add("\tgc-interval " + NftWords.duration(ms)));
            set.size().ifPresent(size -> lines.add("\tsize " + size));
            set.policy().ifPresent(policy -> lines.add("\tpolicy " + (policy == 1 ? "memory" : "performance")));
            if (set.expressions()) {
                lines.add("\t# with stateful expressions on every element");
            }
            List<String> elements = NftWords.elements(set);
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
                String device = chain.device().isEmpty() ? "" : " device \"" + NftWords.printable(chain.device()) + "\"";
                lines.add("\ttype " + NftWords.printable(chain.type()) + " hook " + NftWords.hook(chain.hook()) + device
                        + " priority " + chain.priority() + "; policy "
                        + (chain.policy().isPresent() ? NftSyntax.verdictText(chain.policy().getAsInt(), "") : "accept") + ";");
            }
            if (chain.flagsBeyondBase() != 0) {
                lines.add("\tflags " + NftWords.chainFlags(chain.flagsBeyondBase()));
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
            return NftWords.objectType(object.type()) + " " + object.name();
        }

        @Override
        public List<String> nftLines() {
            return List.of(NftWords.objectType(object.type()) + " " + NftWords.printable(object.name()) + " {",
                    "\t" + NftWords.objectState(object), "}");
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
                            + flowtable.devices().stream().map(NftWords::printable).collect(Collectors.joining(", ")) + " };",
                    "}");
        }
    }
}
