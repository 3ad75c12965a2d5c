package io.bridgewall.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bridgewall.view.View;
import java.io.PrintWriter;

/**
 * The JSON documents of `plan --json` and `show --json` (README, "JSON output"): field names in
 * snake_case, indented, one document per run and nothing else on stdout (warnings go to stderr).
 *
 * <p>Every character outside printable ASCII is written as a JSON escape ({@code \u001b},
 * {@code \u202e}): a name or comment from Docker or the kernel reaches a script as exactly the
 * string it was, and the output holds nothing the terminal-escaping stdout would have to change.
 */
final class JsonOutput {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .build();

    private JsonOutput() {
    }

    static String text(View view) {
        try {
            return MAPPER.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            // The views are plain records of strings, numbers and lists: this is a bridgewall bug.
            throw new IllegalStateException("cannot write the " + view.kind() + " document as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static void print(PrintWriter out, View view) {
        out.println(text(view));
        out.flush();
    }
}
