package io.bridgewall.dns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DaemonDnsConfigTest {
    @Test
    void theDnsListIsRead() {
        DaemonDnsConfig config = DaemonDnsConfig.parse("{\"iptables\": false, \"dns\": [\"10.0.0.2\", \"fd00::53\", \"10.0.0.2\"]}");
        assertThat(config.problem()).isEmpty();
        assertThat(config.nameservers()).extracting(a -> Nameserver.text(a)).containsExactly("10.0.0.2", "fd00::53");
    }

    @Test
    void noDnsAndAnEmptyFileMeanDockersDefaults() {
        assertThat(DaemonDnsConfig.parse("{\"iptables\": false}").nameservers()).isEmpty();
        assertThat(DaemonDnsConfig.parse("").problem()).isEmpty();
        assertThat(DaemonDnsConfig.parse("{\"dns\": null}").problem()).isEmpty();
    }

    @Test
    void whatDockerdWouldRefuseIsAProblemNotACrash() {
        assertThat(DaemonDnsConfig.parse("{\"dns\": [\"10.0.0.2\"").problem()).startsWith("it is not valid JSON");
        assertThat(DaemonDnsConfig.parse("[1,2]").problem()).isEqualTo("it is not a JSON object");
        assertThat(DaemonDnsConfig.parse("{\"dns\": \"10.0.0.2\"}").problem()).isEqualTo("its \"dns\" is not a list of addresses");
        assertThat(DaemonDnsConfig.parse("{\"dns\": [53]}").problem()).isEqualTo("its \"dns\" holds number where an address belongs");
        assertThat(DaemonDnsConfig.parse("{\"dns\": [\"resolver.lan\"]}").problem()).contains("'resolver.lan', which is not an IP address");
        assertThat(DaemonDnsConfig.parse("{\"dns\": [], \"dns\": []}").problem()).startsWith("it is not valid JSON");
        assertThat(DaemonDnsConfig.parse("\u0000\u0001\u0002garbage").problem()).startsWith("it is not valid JSON")
                .doesNotContain("\u0000");
    }
}
