package io.bridgewall.kernel;

import io.bridgewall.nftnl.NftnlSet;
import io.bridgewall.ruleset.ByteString;
import io.bridgewall.ruleset.NftSyntax;
import io.bridgewall.ruleset.InterfaceKeys;
import io.bridgewall.ruleset.SetElement;
import io.bridgewall.ruleset.ServiceKeys;
import io.bridgewall.ruleset.SetType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** nft's words for kernel numbers and values, for printing what the kernel holds. */
final class NftWords {
    /** NFT_DATA_VERDICT: a verdict map's data type. */
    static final int DATA_VERDICT = 0xffffff00;
    /** NFT_SET_INTERVAL, NFT_SET_MAP, NFT_SET_OBJECT. */
    static final int SET_INTERVAL = 0x4;
    static final int SET_MAP = 0x8;
    static final int SET_OBJECT = 0x40;
    private static final Map<Integer, String> SET_FLAGS = Map.of(0x1, "anonymous", 0x2, "constant", 0x4, "interval",
            0x8, "map", 0x10, "timeout", 0x20, "dynamic", 0x40, "object", 0x80, "concat", 0x100, "expr");
    private static final List<String> HOOKS = List.of("prerouting", "input", "forward", "output", "postrouting", "ingress");
    private static final Map<Integer, String> OBJECT_TYPES = Map.of(1, "counter", 2, "quota", 3, "ct helper", 4, "limit",
            5, "connlimit", 6, "tunnel", 7, "ct timeout", 8, "secmark", 9, "ct expectation", 10, "synproxy");

    private NftWords() {
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

    /** A stateful object's state as nft lists it ("packets 0 bytes 0", "over 100 bytes used 0 bytes", "rate 10/second"). */
    static String objectState(TableDump.ObjectDump object) {
        List<Long> v = object.values();
        return switch (object.type()) {
            case TableDump.ObjectDump.COUNTER -> "packets " + v.get(0) + " bytes " + v.get(1);
            case TableDump.ObjectDump.QUOTA -> ((v.get(2) & 1) != 0 ? "over " : "") + v.get(0) + " bytes used " + v.get(1) + " bytes";
            case TableDump.ObjectDump.LIMIT -> "rate " + ((v.get(4) & 1) != 0 ? "over " : "") + v.get(0)
                    + (v.get(3) == 1 ? " bytes" : "") + "/" + UNITS.getOrDefault(v.get(1), v.get(1) + " seconds")
                    + (v.get(2) != 0 ? " burst " + v.get(2) + (v.get(3) == 1 ? " bytes" : " packets") : "");
            default -> "# " + printable(bracketed(object.text()));
        };
    }

    private static final Map<Long, String> UNITS = Map.of(1L, "second", 60L, "minute", 3600L, "hour", 86400L, "day",
            604800L, "week");

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
        Optional<SetType> type = SetType.byDatatype(set.keyType()).filter(t -> t.keyLength() == set.keyLength());
        List<String> out = new ArrayList<>();
        set.elements().stream().filter(NftWords::isCatchAll).forEach(element -> out.add("*" + suffix(element)));
        if ((set.flags() & SET_INTERVAL) == 0) {
            for (NftnlSet.Element element : set.elements().stream().filter(e -> !isCatchAll(e)).toList()) {
                ByteString key = ByteString.of(element.key());
                out.add(key(type, new SetElement(key, key, "")) + suffix(element));
            }
            return out;
        }
        List<NftnlSet.Element> sorted = new ArrayList<>(set.elements().stream().filter(e -> !isCatchAll(e)).toList());
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
            Arrays.fill(top, (byte) 0xff);
            out.add(key(type, new SetElement(ByteString.of(start.key()), ByteString.of(top), "")) + suffix(start));
        }
        return out;
    }

    /** NFT_SET_ELEM_CATCHALL: the element has no key and matches every key ("*"). */
    static final int ELEMENT_CATCH_ALL = 0x2;

    static boolean isCatchAll(NftnlSet.Element element) {
        return (element.flags() & ELEMENT_CATCH_ALL) != 0;
    }

    /** start .. end-1, end being the exclusive end the kernel stores. */
    private static String range(Optional<SetType> type, NftnlSet.Element start, byte[] end) {
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

    private static String key(Optional<SetType> type, SetElement element) {
        // Interface-name keys nft cannot write as a name or a prefix* are shown as bytes.
        if (type.isPresent() && (type.get() != SetType.IFNAME || InterfaceKeys.text(element).isPresent())
                && (type.get() != SetType.IFNAME_PAIR || InterfaceKeys.pairText(element).isPresent())
                && (!ServiceKeys.isServiceType(type.get()) || ServiceKeys.text(type.get(), element).isPresent())) {
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
