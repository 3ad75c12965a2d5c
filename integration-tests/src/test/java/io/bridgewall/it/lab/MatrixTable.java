package io.bridgewall.it.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Prints the matrix as a fixed-width text table, '!' before every cell that breaks the policy. */
final class MatrixTable {
    private MatrixTable() {
    }

    static String render(List<ProbeSpec> specs, Map<String, Map<String, ProbeResult>> columns) {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("probe", "policy"));
        header.addAll(columns.keySet());
        rows.add(header);
        for (ProbeSpec spec : specs) {
            List<String> row = new ArrayList<>(List.of(spec.name(), spec.expectedCell()));
            for (Map<String, ProbeResult> column : columns.values()) {
                ProbeResult observed = column.get(spec.name());
                row.add(observed == null ? "-" : (spec.holds(observed) ? "  " : "! ") + observed.cell());
            }
            rows.add(row);
        }
        int[] widths = new int[header.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                out.append(String.format("%-" + widths[i] + "s", row.get(i))).append(i + 1 < row.size() ? " | " : "");
            }
            out.append('\n');
        }
        return out.toString();
    }
}
