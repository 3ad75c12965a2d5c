package io.bridgewall.kernel;

import io.bridgewall.ruleset.NftSyntax;
import java.util.ArrayList;
import java.util.List;

/**
 * Our table as `nft list table` would print it, from a read-back: bridgewall's part through
 * {@link NftSyntax}, each foreign object after a "# not made by bridgewall: ..." line.
 */
public final class InstalledListing {
    static final String MARK = "# not made by bridgewall: ";

    private InstalledListing() {
    }

    public static String of(InstalledTable table) {
        List<String> head = new ArrayList<>();
        List<String> tail = new ArrayList<>();
        for (Foreign foreign : table.foreign()) {
            List<String> target = foreign instanceof Foreign.TableFlags ? head : tail;
            if (target == tail) {
                target.add("");
            }
            target.add(MARK + NftWords.printable(foreign.describe()));
            // Names and values come from the kernel, where anyone may have put control characters.
            foreign.nftLines().forEach(line -> target.add(line.replaceAll("[^\\t\\x20-\\x7e]", "?")));
        }
        return NftSyntax.listing(table.ours(), head, tail);
    }
}
