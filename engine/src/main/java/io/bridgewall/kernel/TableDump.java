package io.bridgewall.kernel;

import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.ruleset.Expr;
import io.bridgewall.ruleset.Family;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Everything the kernel's dumps said about one table, copied out of libnftnl into plain
 * values: what {@link KernelReader} reads and {@link TableMapping} sorts into ours and foreign.
 *
 * @param flags NFT_TABLE_F_* (dormant 0x1, owner 0x2, persist 0x4)
 */
public record TableDump(String table, Family family, int flags, List<SetDump> sets, List<ChainDump> chains,
                        List<RuleDump> rules, List<ObjectDump> objects, List<FlowtableDump> flowtables) {
    public TableDump {
        sets = List.copyOf(sets);
        chains = List.copyOf(chains);
        rules = List.copyOf(rules);
        objects = List.copyOf(objects);
        flowtables = List.copyOf(flowtables);
    }

    /** A set or map with every attribute that changes what the kernel does with it. */
    public record SetDump(String name, int flags, int keyType, int keyLength, OptionalInt dataType, int dataLength,
                          OptionalInt objectType, OptionalInt policy, OptionalInt size, OptionalLong timeoutMs,
                          OptionalInt gcIntervalMs, boolean expressions, boolean concatenation,
                          List<NftnlSet.Element> elements) {
        public SetDump {
            elements = List.copyOf(elements);
        }

        /** A plain set as bridgewall makes one: flags 0 or interval, nothing else. */
        public static SetDump plain(String name, int flags, int keyType, int keyLength, List<NftnlSet.Element> elements) {
            return new SetDump(name, flags, keyType, keyLength, OptionalInt.empty(), 0, OptionalInt.empty(),
                    OptionalInt.empty(), OptionalInt.empty(), OptionalLong.empty(), OptionalInt.empty(), false, false,
                    elements);
        }

        public SetDump withElements(List<NftnlSet.Element> elements) {
            return new SetDump(name, flags, keyType, keyLength, dataType, dataLength, objectType, policy, size,
                    timeoutMs, gcIntervalMs, expressions, concatenation, elements);
        }

        public boolean isMap() {
            return dataType.isPresent() || objectType.isPresent();
        }

        /**
         * Whether elements may carry data, verdicts, timeouts, object references or range end
         * keys: the kernel allows those only in maps and in sets with the timeout, object or
         * concat flag (NFT_SET_TIMEOUT 0x10, NFT_SET_OBJECT 0x40, NFT_SET_CONCAT 0x80, NFT_SET_MAP 0x8).
         */
        public boolean mayHoldElementData() {
            return isMap() || (flags & (0x8 | 0x10 | 0x40 | 0x80)) != 0;
        }
    }

    /**
     * A chain. For a regular (non-base) chain only the name means anything.
     *
     * @param policy NF_DROP 0 / NF_ACCEPT 1, empty for a regular chain
     * @param device the device of an ingress chain, or ""
     * @param flags  NFT_CHAIN_* (base 0x1, which the kernel sets on every base chain; hw offload, binding)
     */
    public record ChainDump(String name, boolean base, String type, int hook, int priority, OptionalInt policy,
                            String device, int flags) {
        /** NFT_CHAIN_BASE: says only that it is a base chain. */
        public static final int FLAG_BASE = 0x1;

        /** Flags that change what the chain does: hardware offload, binding. */
        public int flagsBeyondBase() {
            return flags & ~FLAG_BASE;
        }

        public static ChainDump regular(String name) {
            return new ChainDump(name, false, "", 0, 0, OptionalInt.empty(), "", 0);
        }
    }

    /** One rule, in kernel expressions, with its comment (rule userdata). */
    public record RuleDump(String chain, List<Expr> exprs, String comment) {
        public RuleDump {
            exprs = List.copyOf(exprs);
        }
    }

    /**
     * A named stateful object.
     *
     * @param type   NFT_OBJECT_*: 1 counter, 2 quota, 3 ct helper, 4 limit, ...
     * @param values its state, for the types nft words are known for: a counter's packets and
     *               bytes; a quota's bytes, consumed and flags; a limit's rate, unit, burst, type
     *               and flags; empty for other types
     * @param text   its state as libnftnl prints it
     */
    public record ObjectDump(int type, String name, List<Long> values, String text) {
        public static final int COUNTER = 1;
        public static final int QUOTA = 2;
        public static final int LIMIT = 4;

        public ObjectDump {
            values = List.copyOf(values);
        }
    }

    public record FlowtableDump(String name, int hook, int priority, List<String> devices) {
        public FlowtableDump {
            devices = List.copyOf(devices);
        }
    }
}
