package io.bridgewall.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** --log-drops, --log-rate, --log-group as `plan` takes them (no Docker, no kernel: plan only reads interfaces). */
class DropLoggingOptionsTest {
    record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run plan(String... options) {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        String[] args = new String[options.length + 2];
        args[0] = "plan";
        args[1] = "--no-docker";
        System.arraycopy(options, 0, args, 2, options.length);
        int exitCode = Main.run(new PrintWriter(stdout), new PrintWriter(stderr), args);
        return new Run(exitCode, stdout.toString(), stderr.toString());
    }

    private static void assertBadInput(Run run, String message) {
        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2);
        assertThat(run.stderr().strip()).doesNotContain("\n").isEqualTo("bridgewall: invalid input: " + message);
        assertThat(run.stdout()).isEmpty();
    }

    @Test
    void offByDefault() {
        Run run = plan();

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).doesNotContain(" log ").doesNotContain("limit rate").doesNotContain("logging:");
    }

    @Test
    void logDropsLogsEachReasonToTheKernelLogAtTenPerMinute() {
        Run run = plan("--log-drops");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("#   logging: drops logged to the kernel log, at most 10/minute per reason and IP family (burst 5)")
                .contains("ip daddr @blocked_v4 oifname != @contained limit rate 10/minute log prefix \"bridgewall blocked: \" comment")
                .contains("log prefix \"bridgewall isolation: \"").contains("log prefix \"bridgewall inbound: \"")
                .contains("log prefix \"bridgewall internal: \"")
                .contains("\t\tlimit rate 10/minute log prefix \"bridgewall input: \" comment \"log: host input dropped by policy\"\n\t}");
    }

    @Test
    void rateAndGroupAreTakenAsGiven() {
        Run run = plan("--log-drops", "--log-rate", "2/second", "--log-group", "17");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("limit rate 2/second log prefix \"bridgewall blocked: \" group 17")
                .doesNotContain("limit rate 10/minute");
    }

    @Test
    void badValuesAreOneLineWithTheOptionsName() {
        assertBadInput(plan("--log-drops", "--log-rate", "5/fortnight"), "--log-rate: log rate '5/fortnight' is not a rate; "
                + "write it like 10/minute (N/second, N/minute, N/hour or N/day, N from 1 to 10000)");
        assertBadInput(plan("--log-drops", "--log-rate", "0/second"),
                "--log-rate: log rate 0 is out of range; use 1 to 10000 lines per second, minute, hour or day");
        assertBadInput(plan("--log-drops", "--log-group", "65536"),
                "--log-group: log group 65536 is out of range; use an NFLOG group from 0 to 65535");
        assertBadInput(plan("--log-rate", "1/second"), "--log-rate has no effect without --log-drops; add --log-drops");
        assertBadInput(plan("--log-group", "3"), "--log-group has no effect without --log-drops; add --log-drops");
        Run notANumber = plan("--log-drops", "--log-group", "five");
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.stderr().strip()).doesNotContain("\n").contains("--log-group").contains("five");
    }
}
