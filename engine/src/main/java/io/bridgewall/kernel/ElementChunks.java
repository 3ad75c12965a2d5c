package io.bridgewall.kernel;

import io.bridgewall.nftnl.NftnlSet;
import java.util.ArrayList;
import java.util.List;

/** Cuts a list of set elements into messages by encoded size, before anything is built. Pure. */
final class ElementChunks {
    /** Elements {@code from} (inclusive) to {@code to} (exclusive) go in one message of {@code bytes}. */
    record Chunk(int from, int to, int bytes) {
    }

    private ElementChunks() {
    }

    static List<Chunk> split(String table, String set, List<KernelElements.KernelElement> elements) {
        int overhead = NftnlSet.elementMessageOverhead(table, set);
        List<Chunk> chunks = new ArrayList<>();
        int from = 0;
        int bytes = overhead;
        for (int i = 0; i < elements.size(); i++) {
            KernelElements.KernelElement element = elements.get(i);
            int size = NftnlSet.encodedElementSize(element.key().length(), element.flags());
            boolean full = bytes + size > NftnlSet.ELEMENT_MESSAGE_BUDGET || i - from == NftnlSet.MAX_ELEMENTS_PER_MESSAGE;
            if (full && i > from) {
                chunks.add(new Chunk(from, i, bytes));
                from = i;
                bytes = overhead;
            }
            bytes += size;
        }
        if (from < elements.size()) {
            chunks.add(new Chunk(from, elements.size(), bytes));
        }
        return chunks;
    }
}
