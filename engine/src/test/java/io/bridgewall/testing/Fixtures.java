package io.bridgewall.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.policy.Bridge;
import io.bridgewall.policy.BridgeOrigin;
import io.bridgewall.policy.Cidr;
import io.bridgewall.policy.InterfaceName;
import io.bridgewall.policy.InvalidInputException;
import io.bridgewall.policy.Policy;
import io.bridgewall.ruleset.ByteString;
import io.bridgewall.ruleset.SetElement;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Policies and expected set elements shared by the unit tests. */
public final class Fixtures {
    private Fixtures() {
    }

    /**
     * Three bridges covering every kind the planner distinguishes: docker0 (IPv4 and IPv6,
     * masqueraded), br-internal (internal) and br-direct (routed, not masqueraded; IPv4 and IPv6).
     */
    public static Policy samplePolicy() {
        return Policy.withDefaults(sampleBridges());
    }

    /**
     * The plan without the forward chain's fast path: the checks alone, for tests that pin
     * them down rule by rule (FastPathPlanTest pins the fast path on top of them).
     */
    public static io.bridgewall.ruleset.RuleSet planWithoutFastPath(Policy policy) {
        return io.bridgewall.plan.Planner.plan(policy.withFastPath(io.bridgewall.policy.FastPath.off()));
    }

    public static List<Bridge> sampleBridges() {
        return List.of(
                bridge("docker0", true, false, "bridge (default)", "172.17.0.0/16", "fd00:d0c::/64"),
                bridge("br-internal", true, true, "backend", "10.10.0.0/24"),
                bridge("br-direct", false, false, "routed", "192.168.50.0/24", "fd00:beef::/64"));
    }

    public static Bridge bridge(String name, boolean masquerade, boolean internal, String origin, String... subnets) {
        return new Bridge(InterfaceName.of(name), List.of(subnets).stream().map(Cidr::parse).toList(),
                masquerade, internal, new BridgeOrigin.Described(origin));
    }

    /**
     * {@code count} masqueraded bridges br-0, br-1, ... each with a /25 IPv4 and a /64 IPv6
     * subnet; no two subnets are adjacent, so the address sets grow with the bridges.
     */
    public static Policy manyBridges(int count) {
        List<Bridge> bridges = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bridges.add(Bridge.of("br-" + i,
                    "10." + (i >> 8) + "." + (i & 0xff) + ".0/25",
                    "fd00:0:0:" + Integer.toHexString(2 * i) + "::/64"));
        }
        return Policy.withDefaults(bridges);
    }

    /** The interval-set element for a network, as the planner builds it. */
    public static SetElement network(String cidr, String note) {
        Cidr parsed = Cidr.parse(cidr);
        return new SetElement(ByteString.of(Cidr.toBytes(parsed.first(), parsed.family())),
                ByteString.of(Cidr.toBytes(parsed.last(), parsed.family())), note);
    }

    /** An interval-set element first..last (inclusive), both given as addresses. */
    public static SetElement range(String first, String last, String note) {
        return new SetElement(network(first, "").first(), network(last, "").first(), note);
    }

    /** The ifname-set element for an interface, as the planner builds it. */
    public static SetElement ifname(String name, String note) {
        return SetElement.single(ByteString.of(InterfaceName.of(name).kernelBytes()), note);
    }

    /** Asserts the call refuses its input; chain message checks on the result. */
    public static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(ThrowingCallable call) {
        return assertThatThrownBy(call).isInstanceOf(InvalidInputException.class);
    }
}
