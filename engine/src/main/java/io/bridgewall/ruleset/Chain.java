package io.bridgewall.ruleset;

import java.util.List;

/** A base chain: attached to a netfilter hook, with a default policy. */
public record Chain(String name, ChainType type, Hook hook, int priority, Policy policy, List<Rule> rules) {
    public Chain {
        rules = List.copyOf(rules);
    }

    public enum ChainType {
        FILTER("filter"), NAT("nat");

        private final String nftName;

        ChainType(String nftName) {
            this.nftName = nftName;
        }

        public String nftName() {
            return nftName;
        }
    }

    /** Netfilter hooks of the inet family (NF_INET_*). */
    public enum Hook {
        PREROUTING(0, "prerouting"), INPUT(1, "input"), FORWARD(2, "forward"), OUTPUT(3, "output"),
        POSTROUTING(4, "postrouting");

        private final int number;
        private final String nftName;

        Hook(int number, String nftName) {
            this.number = number;
            this.nftName = nftName;
        }

        public int number() {
            return number;
        }

        public String nftName() {
            return nftName;
        }
    }

    /** NF_DROP is 0, NF_ACCEPT is 1. */
    public enum Policy {
        DROP(0, "drop"), ACCEPT(1, "accept");

        private final int verdict;
        private final String nftName;

        Policy(int verdict, String nftName) {
            this.verdict = verdict;
            this.nftName = nftName;
        }

        public int verdict() {
            return verdict;
        }

        public String nftName() {
            return nftName;
        }
    }
}
