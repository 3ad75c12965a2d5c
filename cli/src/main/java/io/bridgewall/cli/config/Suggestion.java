package io.bridgewall.cli.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** "did you mean ...?": the known word closest to a typo, if one is close enough to be meant. */
final class Suggestion {
    private Suggestion() {
    }

    /**
     * The known word at the smallest edit distance from {@code typed}, compared without case
     * and with '_' as '-' (extra_blocked means extra-blocked); none when every word is further
     * than about a third of the typed word's length.
     */
    static Optional<String> of(String typed, List<String> known) {
        String wanted = normalize(typed);
        int allowed = Math.max(1, Math.min(3, wanted.length() / 3));
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String word : known) {
            int distance = distance(wanted, normalize(word), allowed);
            if (distance <= allowed && distance < bestDistance) {
                best = word;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    private static String normalize(String text) {
        return text.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Levenshtein distance, or more than {@code limit} once it is sure to exceed it (long keys stay cheap). */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) > limit) {
            return limit + 1;
        }
        // Optimal string alignment: a swap of two neighbours (tpc for tcp) is one edit.
        int[] beforePrevious = new int[b.length() + 1];
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int rowMinimum = current[0];
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    current[j] = Math.min(current[j], beforePrevious[j - 2] + 1);
                }
                rowMinimum = Math.min(rowMinimum, current[j]);
            }
            if (rowMinimum > limit) {
                return limit + 1;
            }
            int[] reused = beforePrevious;
            beforePrevious = previous;
            previous = current;
            current = reused;
        }
        return previous[b.length()];
    }
}
