package io.bridgewall.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.plan.Planner;
import io.bridgewall.ruleset.Expr;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.RuleSet;
import io.bridgewall.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The read-back's sorting into ours and foreign: every attribute that changes what the kernel
 * does makes an object foreign, and a table with anything foreign is replaced, never "unchanged".
 */
class TableMappingTest {
    private static final RuleSet PLAN = Planner.plan(Fixtures.samplePolicy());
    private static final TableDump AS_INSTALLED = KernelDumps.of(PLAN);

    private static TableDiff.Result diff(TableDump dump) {
        return TableDiff.between(Optional.of(TableMapping.map(dump)), PLAN);
    }

    private static TableDump.SetDump attributes(TableDump.SetDump s, int flags, OptionalInt dataType, OptionalInt size,
                                                OptionalLong timeout, OptionalInt policy, List<NftnlSet.Element> elements) {
        return new TableDump.SetDump(s.name(), flags, s.keyType(), s.keyLength(), dataType, dataType.isPresent() ? 4 : 0,
                OptionalInt.empty(), policy, size, timeout, OptionalInt.empty(), false, false, elements);
    }

    @Test
    void whatBridgewallInstalledIsOursAndUnchanged() {
        InstalledTable installed = TableMapping.map(AS_INSTALLED);

        assertThat(installed.foreign()).isEmpty();
        assertThat(diff(AS_INSTALLED).unchanged()).isTrue();
        assertThat(diff(AS_INSTALLED).differences()).isEmpty();
    }

    @Test
    void aDormantTableIsForeignAndReplaced() {
        TableDump dormant = new TableDump(AS_INSTALLED.table(), AS_INSTALLED.family(), Foreign.TABLE_DORMANT,
                AS_INSTALLED.sets(), AS_INSTALLED.chains(), AS_INSTALLED.rules(), List.of(), List.of());

        TableDiff.Result result = diff(dormant);

        assertThat(result.replaceWholeTable()).isTrue();
        assertThat(result.differences()).singleElement().asString().contains("table flags dormant");
        assertThat(InstalledListing.of(TableMapping.map(dormant)))
                .contains("\t# not made by bridgewall: table flags dormant").contains("\tflags dormant\n");
    }

    @Test
    void aVerdictMapInPlaceOfASetIsForeign() {
        TableDump vmap = KernelDumps.withSet(AS_INSTALLED, Planner.BLOCKED_V4, s -> attributes(s, s.flags() | 0x8,
                OptionalInt.of(NftWords.DATA_VERDICT), OptionalInt.empty(), OptionalLong.empty(), OptionalInt.empty(),
                s.elements().stream().map(e -> e.isIntervalEnd() ? e : new NftnlSet.Element(e.key(), e.flags(),
                        OptionalInt.of(Expr.VERDICT_ACCEPT), "", new byte[0], 0, List.of())).toList()));

        assertThat(diff(vmap).replaceWholeTable()).isTrue();
        assertThat(diff(vmap).differences()).singleElement().asString()
                .contains("map blocked_v4").contains("a map to verdict");
        assertThat(InstalledListing.of(TableMapping.map(vmap)))
                .contains("\tmap blocked_v4 {\n\t\ttype ipv4_addr : verdict\n\t\tflags interval\n")
                .contains("10.0.0.0/8 : accept");
    }

    @Test
    void setsWithTimeoutsSizesConstantOrMemoryPolicyAreForeign() {
        List<TableDump> tampered = List.of(
                KernelDumps.withSet(AS_INSTALLED, Planner.BLOCKED_V4, s -> attributes(s, s.flags() | 0x10, OptionalInt.empty(),
                        OptionalInt.empty(), OptionalLong.of(20_000), OptionalInt.empty(), s.elements())),
                KernelDumps.withSet(AS_INSTALLED, Planner.BRIDGES, s -> attributes(s, 0x2, OptionalInt.empty(),
                        OptionalInt.empty(), OptionalLong.empty(), OptionalInt.empty(), s.elements())),
                KernelDumps.withSet(AS_INSTALLED, Planner.BRIDGES, s -> attributes(s, 0, OptionalInt.empty(),
                        OptionalInt.of(1), OptionalLong.empty(), OptionalInt.empty(), s.elements())),
                KernelDumps.withSet(AS_INSTALLED, Planner.TCP_PORTS, s -> attributes(s, 0, OptionalInt.empty(),
                        OptionalInt.empty(), OptionalLong.empty(), OptionalInt.of(1), s.elements())),
                KernelDumps.withSet(AS_INSTALLED, Planner.TCP_PORTS, s -> s.withElements(s.elements().stream()
                        .map(e -> new NftnlSet.Element(e.key(), e.flags(), OptionalInt.empty(), "", new byte[0], 20_000,
                                List.of())).toList())));
        List<String> expected = List.of("set blocked_v4: flags interval,timeout", "set bridges: flags constant",
                "set bridges: size limited to 1 elements", "set host_tcp_ports: policy memory",
                "set host_tcp_ports: elements with data, timeouts or expressions");

        for (int i = 0; i < tampered.size(); i++) {
            TableDiff.Result result = diff(tampered.get(i));
            assertThat(result.replaceWholeTable()).as(expected.get(i)).isTrue();
            assertThat(result.differences()).singleElement().asString().contains(expected.get(i));
        }
        assertThat(InstalledListing.of(TableMapping.map(tampered.get(0))))
                .contains("\tset blocked_v4 {\n\t\ttype ipv4_addr\n\t\tflags interval,timeout\n\t\ttimeout 20s\n");
    }

    @Test
    void setsChainsObjectsAndFlowtablesOfOtherNamesOrKindsAreForeign() {
        List<TableDump.SetDump> sets = new ArrayList<>(AS_INSTALLED.sets());
        sets.add(TableDump.SetDump.plain("extra", NamedSet.FLAG_INTERVAL, 7, 4, List.of()));
        List<TableDump.ChainDump> chains = new ArrayList<>(AS_INSTALLED.chains());
        chains.add(TableDump.ChainDump.regular("regular"));
        chains.add(new TableDump.ChainDump("sneaky", true, "filter", 1, -10, OptionalInt.of(1), "", 0));
        chains.add(new TableDump.ChainDump(Planner.FORWARD + "2", true, "filter", 5, 0, OptionalInt.of(1), "eth0", 0));
        List<TableDump.RuleDump> rules = new ArrayList<>(AS_INSTALLED.rules());
        rules.add(new TableDump.RuleDump("sneaky", List.of(new Expr.Immediate(Expr.VERDICT_ACCEPT)), ""));
        TableDump dump = new TableDump(AS_INSTALLED.table(), AS_INSTALLED.family(), 0, sets, chains, rules,
                List.of(new TableDump.ObjectDump(1, "c1", List.of(3L, 180L), "table bridgewall name c1 use 0 [ pkts 3 bytes 180 ]"),
                        new TableDump.ObjectDump(2, "q1", List.of(100L, 0L, 1L), "[ bytes 100 flags 1 ]")),
                List.of(new TableDump.FlowtableDump("ft", 0, 0, List.of("veth0"))));

        InstalledTable installed = TableMapping.map(dump);

        assertThat(installed.foreign()).extracting(Foreign::describe).containsExactly(
                "set extra: bridgewall makes no set of this name",
                "chain regular: bridgewall makes no chain of this name",
                "base chain sneaky: bridgewall makes no chain of this name",
                "base chain forward2: bridgewall makes no chain of this name",
                "counter c1", "quota q1", "flowtable ft (offloads the connections of [veth0])");
        assertThat(diff(dump).replaceWholeTable()).isTrue();
        assertThat(InstalledListing.of(installed))
                .contains("\t# not made by bridgewall: base chain sneaky: bridgewall makes no chain of this name\n"
                        + "\tchain sneaky {\n\t\ttype filter hook input priority -10; policy accept;\n\t\taccept\n\t}\n")
                .contains("\tchain forward2 {\n\t\ttype filter hook ingress device \"eth0\" priority 0; policy accept;\n")
                .contains("\tcounter c1 {\n\t\tpackets 3 bytes 180\n\t}\n")
                .contains("\tquota q1 {\n\t\tover 100 bytes used 0 bytes\n\t}\n")
                .contains("\tflowtable ft {\n\t\thook ingress priority 0; devices = { veth0 };\n\t}\n");
    }

    @Test
    void aCatchAllElementIsForeign() {
        // `nft add element inet bridgewall bridges { * }`: every interface is then a bridge
        TableDump dump = KernelDumps.withSet(AS_INSTALLED, Planner.BRIDGES, s -> {
            List<NftnlSet.Element> elements = new ArrayList<>(s.elements());
            elements.add(new NftnlSet.Element(new byte[0], NftWords.ELEMENT_CATCH_ALL));
            return s.withElements(elements);
        });

        assertThat(diff(dump).differences()).containsExactly(
                "not made by bridgewall: set bridges: a catch-all element (*): it matches every key");
        assertThat(InstalledListing.of(TableMapping.map(dump))).contains("\tset bridges {\n\t\ttype ifname\n\t\telements = { *, ");
    }

    @Test
    void anInterfaceRangeThatIsNeitherANameNorAWildcardIsForeign() {
        // Someone else's range "zz" .. "zzz" (exclusive) in the contained set: nft could not write it, and it is not ours.
        TableDump dump = KernelDumps.withSet(AS_INSTALLED, Planner.CONTAINED, s -> {
            List<NftnlSet.Element> elements = new ArrayList<>(s.elements());
            elements.add(new NftnlSet.Element(key("zz"), 0));
            elements.add(new NftnlSet.Element(key("zzz"), NftnlSet.ELEMENT_INTERVAL_END));
            return s.withElements(elements);
        });

        assertThat(diff(dump).differences()).containsExactly("not made by bridgewall: set contained: "
                + "interface-name keys that are neither a name nor a prefix*");
        assertThat(InstalledListing.of(TableMapping.map(dump))).contains("\"br-*\", \"docker0\", 0x7a7a");
    }

    @Test
    void aPairOfDifferentBridgesIsOursButDiffersFromThePlanAndAPairThatIsNotTwoNamesIsForeign() {
        // "docker0" . "br-x" would let docker0 reach br-x: ours to write, but never planned, so it is a difference.
        TableDump crossing = KernelDumps.withSet(AS_INSTALLED, Planner.ICC_PAIRS, s -> {
            List<NftnlSet.Element> elements = new ArrayList<>(s.elements());
            elements.add(new NftnlSet.Element(pair(key("docker0"), key("br-x")), 0));
            return s.withElements(elements);
        });
        TableDump unnamed = KernelDumps.withSet(AS_INSTALLED, Planner.ICC_PAIRS, s -> {
            List<NftnlSet.Element> elements = new ArrayList<>(s.elements());
            elements.add(new NftnlSet.Element(pair(key("br-x"), new byte[16]), 0));
            return s.withElements(elements);
        });

        assertThat(diff(crossing).replaceWholeTable()).isFalse();
        assertThat(diff(crossing).differences()).singleElement().asString().contains("icc_pairs").contains("docker0");
        assertThat(diff(unnamed).differences()).containsExactly("not made by bridgewall: set icc_pairs: "
                + "interface-name pairs that are not two names");
    }

    private static byte[] pair(byte[] in, byte[] out) {
        return io.bridgewall.ruleset.InterfaceKeys.pairKey(in, out).toArray();
    }

    private static byte[] key(String name) {
        return java.util.Arrays.copyOf(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 16);
    }

    @Test
    void aRegularChainOfOneOfOurNamesIsForeign() {
        List<TableDump.ChainDump> chains = AS_INSTALLED.chains().stream()
                .map(c -> c.name().equals(Planner.INPUT) ? TableDump.ChainDump.regular(Planner.INPUT) : c).toList();
        TableDump dump = new TableDump(AS_INSTALLED.table(), AS_INSTALLED.family(), 0, AS_INSTALLED.sets(), chains,
                AS_INSTALLED.rules(), List.of(), List.of());

        assertThat(TableMapping.map(dump).foreign()).extracting(Foreign::describe)
                .containsExactly("chain input: a regular chain, bridgewall's are base chains");
    }

    @Test
    void aRuleWithAnExpressionBridgewallNeverSendsIsReplacedInPlace() {
        // e.g. `masquerade random` read back: ExprCodec keeps the masq with flags as Unknown
        List<TableDump.RuleDump> rules = AS_INSTALLED.rules().stream().map(r -> r.chain().equals(Planner.POSTROUTING)
                ? new TableDump.RuleDump(r.chain(), r.exprs().stream().map(e -> e instanceof Expr.Masquerade
                ? new Expr.Unknown("masq", "masq flags 0x4") : e).toList(), r.comment()) : r).toList();
        TableDump dump = new TableDump(AS_INSTALLED.table(), AS_INSTALLED.family(), 0, AS_INSTALLED.sets(),
                AS_INSTALLED.chains(), rules, List.of(), List.of());

        TableDiff.Result result = diff(dump);

        assertThat(result.replaceWholeTable()).isFalse();
        assertThat(result.changes()).containsExactly(new TableDiff.Change.ReplaceRules(PLAN.chain(Planner.POSTROUTING).orElseThrow()));
        assertThat(result.differences()).singleElement().asString()
                .startsWith("chain postrouting rule 1 is `# not made by bridgewall: ")
                .contains("[ masq flags 0x4 ]");
    }
}
