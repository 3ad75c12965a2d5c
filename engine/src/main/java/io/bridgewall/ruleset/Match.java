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

    /** Connection tracking status bits (enum ip_conntrack_status, IPS_*), those bridgewall matches. */
    enum CtStatus {
        /** The connection's destination was rewritten (Docker's published ports, with Docker's own firewall). */
        DNAT(0x20, "dnat");

        private final int bit;
        private final String nftName;

        CtStatus(int bit, String nftName) {
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

    /** {@code ct status dnat}: any of the status bits is set. */
    record CtStatusIn(Set<CtStatus> statuses) implements Match {
        public CtStatusIn {
            statuses = Set.copyOf(EnumSet.copyOf(statuses));
        }

        public int mask() {
            return statuses.stream().mapToInt(CtStatus::bit).reduce(0, (a, b) -> a | b);
        }
    }

    /** Which way a packet goes through its connection (enum ip_conntrack_dir). */
    enum CtDirection {
        /** As the connection's first packet went. */
        ORIGINAL(0, "original"),
        /** Back. */
        REPLY(1, "reply");

        private final int code;
        private final String nftName;

        CtDirection(int code, String nftName) {
            this.code = code;
            this.nftName = nftName;
        }

        public int code() {
            return code;
        }

        public String nftName() {
            return nftName;
        }
    }

    /** {@code ct direction original}. */
    record CtDirectionIs(CtDirection direction) implements Match {
        public CtDirectionIs {
            java.util.Objects.requireNonNull(direction, "direction");
        }
    }

    /** {@code tcp dport @set}. */
    record DestinationPortInSet(Protocol protocol, String set) implements Match {
    }

    /**
     * The packet's transport protocol and destination port, on any address of the family
     * ({@code meta nfproto ipv4 meta l4proto . th dport @set}) or, {@code withAddress}, with its
     * destination address first ({@code ip daddr . meta l4proto . th dport @set}): one lookup
     * for every protocol, since {@code th dport} is where TCP, UDP and SCTP keep their port.
     */
    record ServiceInSet(IpFamily family, boolean withAddress, String set) implements Match {
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

    /**
     * {@code ct mark 0x1a2b3c4d} (every bit) or {@code ct mark and MASK == VALUE} (the bits of
     * {@code mask} only, the rest left to other tools): the connection carries this mark.
     */
    record CtMarkIs(int mask, int value) implements Match {
        public CtMarkIs {
            MarkBits.check("a ct mark match", mask, value);
        }

        public boolean wholeMark() {
            return MarkBits.whole(mask);
        }
    }
}
