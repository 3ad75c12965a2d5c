package io.bridgewall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The fast path is on by default, named in the plan's header and JSON, and --no-fast-path takes it out whole. */
class FastPathOptionTest {
    private static final String[] POLICY = {"--no-docker", "--no-config", "--no-dns-exception", "--bridge", "bw0=10.0.0.0/24"};

    @Test
    void onByDefaultWithThePolicysMarkInTheHeaderTheRulesAndTheJson() throws Exception {
        Cli plan = Cli.run(concat("plan"));
        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        JsonNode json = JsonOutput.MAPPER.readTree(Cli.run(concat("plan", "--json")).stdout());
        JsonNode fastPath = json.path("policy").path("fast_path");
        assertThat(fastPath.path("enabled").asBoolean()).isTrue();
        assertThat(fastPath.path("mark_mask").asText()).isEqualTo("0xffffffff");
        String mark = fastPath.path("mark").asText();
        assertThat(mark).matches("0x[0-9a-f]{8}").isNotEqualTo("0x00000000");
        assertThat(plan.stdout())
                .contains("#   fast path: established connections marked " + mark + " (this policy) skip the checks")
                .contains("ct state established ct mark " + mark + " accept")
                .contains("ct direction original ct mark set " + mark + " comment");
    }

    @Test
    void noFastPathLeavesNoMarkAnywhere() throws Exception {
        Cli plan = Cli.run(concat("plan", "--no-fast-path"));
        assertThat(plan.exitCode()).as(plan.stderr()).isZero();
        assertThat(plan.stdout()).contains("#   fast path: off (--no-fast-path)").doesNotContain("ct mark");
        JsonNode fastPath = JsonOutput.MAPPER.readTree(Cli.run(concat("plan", "--json", "--no-fast-path")).stdout())
                .path("policy").path("fast_path");
        assertThat(fastPath.path("enabled").asBoolean()).isFalse();
        assertThat(fastPath.path("mark").asText()).isEmpty();
    }

    private static String[] concat(String... first) {
        String[] out = new String[first.length + POLICY.length];
        System.arraycopy(first, 0, out, 0, first.length);
        System.arraycopy(POLICY, 0, out, first.length, POLICY.length);
        return out;
    }
}
