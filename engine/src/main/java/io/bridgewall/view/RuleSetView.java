package io.bridgewall.view;

import io.bridgewall.ruleset.ByteString;
import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.InterfaceKeys;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.ruleset.SetElement;
import io.bridgewall.ruleset.SetType;
import io.bridgewall.ruleset.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A ruleset as data: the sets with their elements, the chains with their rules. The same shape
 * for a plan and for what the kernel holds; only the rules differ ({@link RuleView}), so a
 * script can compare a plan's rule with the installed one by its {@code nft} text.
 */
public record RuleSetView(List<SetView> sets, List<ChainView> chains, int ruleCount) {
    public RuleSetView {
        sets = List.copyOf(sets);
        chains = List.copyOf(chains);
    }

    static RuleSetView of(RuleSet ruleSet, Function<Chain, List<RuleView>> rules) {
        return new RuleSetView(ruleSet.sets().stream().map(SetView::of).toList(),
                ruleSet.chains().stream().map(chain -> ChainView.of(chain, rules.apply(chain))).toList(),
                ruleSet.ruleCount());
    }

    static RuleSetView empty() {
        return new RuleSetView(List.of(), List.of(), 0);
    }

    /**
     * A named set.
     *
     * @param type     nft's name of the key type: ifname, "ifname . ifname", ipv4_addr, ipv6_addr, inet_service, icmpv6_type
     * @param interval whether elements may be ranges (nft's "flags interval")
     */
    public record SetView(String name, String type, boolean interval, List<ElementView> elements) {
        public SetView {
            elements = List.copyOf(elements);
        }

        static SetView of(NamedSet set) {
            return new SetView(set.name(), set.type().nftName(), set.interval(),
                    set.elements().stream().map(e -> new ElementView(value(set.type(), e), e.note())).toList());
        }
    }

    /**
     * One set element.
     *
     * @param value   as nft writes it, without quotes: docker0, br-*, "br-x . br-x", 10.0.0.0/8,
     *                10.0.0.1-10.0.0.9, 22, nd-router-advert
     * @param comment why it is there (which Docker network, "name pattern"); only a plan has
     *                them, the kernel keeps none ("")
     */
    public record ElementView(String value, String comment) {
    }

    /** An nftables base chain with its rules in order. */
    public record ChainView(String name, String type, String hook, int priority, String policy, List<RuleView> rules) {
        public ChainView {
            rules = List.copyOf(rules);
        }

        static ChainView of(Chain chain, List<RuleView> rules) {
            return new ChainView(chain.name(), chain.type().nftName(), chain.hook().nftName(), chain.priority(),
                    chain.policy().nftName(), rules);
        }
    }

    /** A rule of a plan ({@link Planned}) or read back from the kernel ({@link Installed}). */
    public sealed interface RuleView {
        /** The rule in nft syntax, counters without values. */
        String nft();

        /** The rule's comment: why it is there, and for a counted drop the drop reason. */
        String comment();

        /** accept, drop, masquerade, or continue (no verdict: the rule only counts). */
        String verdict();

        /** Whether the rule has a counter. */
        boolean counted();

        /** A rule as planned. */
        record Planned(String nft, String comment, String verdict, boolean counted) implements RuleView {
            static Planned of(Rule rule) {
                return new Planned(NftSyntax.ruleText(rule), rule.comment(), verdictOf(rule), counter(rule).isPresent());
            }
        }

        /**
         * A rule as the kernel holds it.
         *
         * @param packets packets the rule matched since it was created (0 without a counter)
         * @param bytes   their bytes
         * @param foreign whether the rule holds expressions bridgewall does not make ({@code nft}
         *                then lists them in `nft --debug=netlink` words)
         */
        record Installed(String nft, String comment, String verdict, boolean counted, long packets, long bytes,
                         boolean foreign) implements RuleView {
            static Installed of(Rule rule) {
                Optional<Statement.Counter> counter = counter(rule);
                return new Installed(NftSyntax.ruleText(rule), rule.comment(), verdictOf(rule), counter.isPresent(),
                        counter.map(Statement.Counter::packets).orElse(0L), counter.map(Statement.Counter::bytes).orElse(0L),
                        !rule.unparsed().isEmpty());
            }
        }
    }

    /** Statements that end a rule's evaluation, with their word; a rule without one continues. */
    static final Map<Class<? extends Statement>, String> VERDICTS = Map.of(
            Statement.Accept.class, "accept", Statement.Drop.class, "drop", Statement.Masquerade.class, "masquerade");
    /** Statements after which the packet goes on to the rule's next statement. */
    static final Set<Class<? extends Statement>> NOT_VERDICTS = Set.of(Statement.Counter.class, Statement.Limit.class,
            Statement.Log.class, Statement.CtMarkSet.class);

    static String verdictOf(Rule rule) {
        return rule.statements().stream().map(s -> VERDICTS.get(s.getClass())).filter(Objects::nonNull)
                .findFirst().orElse("continue");
    }

    private static Optional<Statement.Counter> counter(Rule rule) {
        return rule.statements().stream().filter(Statement.Counter.class::isInstance).map(Statement.Counter.class::cast)
                .findFirst();
    }

    /** nft's words for an element, with interface names unquoted (in JSON they are strings already). */
    static String value(SetType type, SetElement element) {
        return switch (type) {
            case IFNAME -> InterfaceKeys.text(element).orElseThrow(() -> new IllegalArgumentException(
                    "an interface-name range that is neither a name nor a prefix*: " + element));
            case IFNAME_PAIR -> {
                byte[] key = element.first().toArray();
                int half = key.length / 2;
                yield name(Arrays.copyOfRange(key, 0, half)) + " . " + name(Arrays.copyOfRange(key, half, key.length));
            }
            default -> NftSyntax.elementText(type, element);
        };
    }

    private static String name(byte[] key) {
        return InterfaceKeys.text(SetElement.single(ByteString.of(key), "")).orElseThrow(() -> new IllegalArgumentException(
                "an interface-name pair holds a key that is not a name: " + ByteString.of(key)));
    }
}
