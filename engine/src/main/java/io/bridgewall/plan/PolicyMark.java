package io.bridgewall.plan;

import io.bridgewall.ruleset.Chain;
import io.bridgewall.ruleset.Match;
import io.bridgewall.ruleset.NamedSet;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.Rule;
import io.bridgewall.ruleset.SetElement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The connection mark that names a forward policy: a hash of everything the forward chain's
 * decision depends on (its hook, priority and policy, its rules in order, and the elements of
 * every set they look up), so the same decisions always give the same mark and any change of
 * them another one (but with probability 2^-bits). Comments, notes and counters are left out:
 * they decide nothing. Never 0 within the mask: connections nobody marked have 0.
 *
 * <p>A non-cryptographic hash on purpose: the policy is the admin's, not an adversary's, and a
 * message digest would cost its provider's start-up on every cold apply.
 */
final class PolicyMark {
    private PolicyMark() {
    }

    static int of(Chain forward, List<NamedSet> sets, int mask) {
        Hash hash = new Hash();
        hash.text(forward.type() + " " + forward.hook() + " " + forward.priority() + " " + forward.policy());
        TreeSet<String> looked = new TreeSet<>();
        for (Rule rule : forward.rules()) {
            hash.text(NftSyntax.ruleText(new Rule(rule.matches(), rule.statements(), "")));
            rule.matches().forEach(match -> setOf(match).ifPresent(looked::add));
        }
        Map<String, NamedSet> byName = sets.stream().collect(Collectors.toMap(NamedSet::name, Function.identity()));
        for (String name : looked) {
            NamedSet set = byName.get(name);
            if (set == null) {
                throw new IllegalStateException("the forward chain looks up set " + name + ", which the plan does not hold");
            }
            hash.text("set " + name + " " + set.type() + " " + set.interval());
            // Sorted: the same elements are the same decision in whatever order they were planned.
            List<byte[]> keys = new ArrayList<>();
            for (SetElement element : set.elements()) {
                keys.add(concat(element.first().toArray(), element.last().toArray()));
            }
            keys.sort(Arrays::compareUnsigned);
            keys.forEach(hash::bytes);
        }
        int value = hash.fold() & mask;
        return value != 0 ? value : Integer.lowestOneBit(mask);
    }

    private static java.util.Optional<String> setOf(Match match) {
        String set = null;
        if (match instanceof Match.InterfaceInSet m) {
            set = m.set();
        } else if (match instanceof Match.InterfacePairInSet m) {
            set = m.set();
        } else if (match instanceof Match.AddressInSet m) {
            set = m.set();
        } else if (match instanceof Match.DestinationPortInSet m) {
            set = m.set();
        } else if (match instanceof Match.ServiceInSet m) {
            set = m.set();
        } else if (match instanceof Match.Icmpv6TypeInSet m) {
            set = m.set();
        }
        return java.util.Optional.ofNullable(set);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** FNV-1a over 64 bits, each part length-prefixed (no two sequences of parts run together), mixed at the end. */
    private static final class Hash {
        private long state = 0xcbf29ce484222325L;

        void text(String text) {
            bytes(text.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(byte[] part) {
            mix(part.length);
            mix(part.length >>> 8);
            mix(part.length >>> 16);
            for (byte b : part) {
                mix(b);
            }
        }

        private void mix(int b) {
            state ^= b & 0xff;
            state *= 0x100000001b3L;
        }

        /** splitmix64's finaliser, so every output bit depends on every input bit, then both halves folded. */
        int fold() {
            long z = state;
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            z ^= z >>> 31;
            return (int) (z ^ (z >>> 32));
        }
    }
}
