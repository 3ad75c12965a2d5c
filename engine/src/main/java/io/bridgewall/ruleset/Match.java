package io.bridgewall.ruleset;

import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.IpFamily;
import io.bridgewall.policy.PortRange;
import io.bridgewall.policy.Protocol;
import java.util.EnumSet;
import java.util.Set;

/** A condition of a rule, in the terms nft syntax uses. Compiled to kernel expressions by {@link RuleCompiler}. */
public sealed interface Match {
    /** Which interface of the packet a match looks at. */
    enum Direction {
        IN("iifname"), OUT("oifname");

        private final String nftKeyword;

        Direction(String nftKeyword) {
            this.nftKeyword = nftKeyword;
        }

        public String nftKeyword() {
            return nftKeyword;
        }
    }

    enum AddressField {
        SOURCE("saddr"), DESTINATION("daddr");

        private final String nftKeyword;

        AddressField(String nftKeyword) {
            this.nftKeyword = nftKeyword;
        }

        public String nftKeyword() {
            return nftKeyword;
        }
    }

    /** Connection tracking states with their kernel bits (NF_CT_STATE_*). */
    enum CtState {
        INVALID(1, "invalid"), ESTABLISHED(2, "established"), RELATED(4, "related"), NEW(8, "new"),
        UNTRACKED(64, "untracked");

        private final int bit;
        private final String nftName;

        CtState(int bit, String nftName) {
            this.bit = bit;
            this.nftName = nftName;
        }

        public int bit() {
            return bit;
        }

        public String nftName() {
            return nftName;
        }
    }

    /** {@code iifname @set} or {@code oifname != @set}. */
    record InterfaceInSet(Direction direction, String set, boolean negated) implements Match {
    }

    /**
     * {@code iifname . oifname @set}: the pair of input and output interface is in the set. nft
     * cannot compare iifname with oifname; a set of "br-x" . "br-x" pairs says "same bridge".
     */
    record InterfacePairInSet(String set) implements Match {
    }

    /** {@code iifname "lo"}. */
    record InterfaceIs(Direction direction, String name) implements Match {
    }

    /** {@code ip daddr @set} / {@code ip6 saddr @set}. */
    record AddressInSet(IpFamily family, AddressField field, String set) implements Match {
    }

    /** {@code ct state established,related}. */
    record CtStateIn(Set<CtState> states) implements Match {
        public CtStateIn {
            states = Set.copyOf(EnumSet.copyOf(states));
        }

        public int mask() {
            return states.stream().mapToInt(CtState::bit).reduce(0, (a, b) -> a | b);
        }
    }

    /** {@code tcp dport @set}. */
    record DestinationPortInSet(Protocol protocol, String set) implements Match {
    }

    /** {@code icmpv6 type @set}. */
    record Icmpv6TypeInSet(String set) implements Match {
    }

    /**
     * {@code ip daddr 10.0.0.5} / {@code ip6 saddr 2001:db8::/32}: the address is in one
     * network, written in the rule itself (an exception names a few; sets hold the many).
     */
    record AddressIn(AddressField field, Cidr network) implements Match {
        public AddressIn {
            if (network.prefixLength() == 0) {
                throw new IllegalArgumentException("a match on every address matches nothing in particular: " + network);
            }
        }

        public IpFamily family() {
            return network.family();
        }
    }

    /** {@code meta l4proto tcp}: any port of one transport protocol. */
    record ProtocolIs(Protocol protocol) implements Match {
    }

    /** {@code tcp dport 5432} / {@code udp dport 5000-5010}. */
    record DestinationPortIn(Protocol protocol, PortRange ports) implements Match {
    }
}
