package io.bridgewall.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DropLoggingTest {
    @Test
    void offByDefaultWithTenPerMinuteToTheKernelLogWhenTurnedOn() {
        assertThat(DropLogging.off().enabled()).isFalse();
        DropLogging on = DropLogging.parse(true, Optional.empty(), OptionalInt.empty());
        assertThat(on).isEqualTo(new DropLogging(true, new DropLogging.Rate(10, DropLogging.Per.MINUTE), OptionalInt.empty()));
        assertThat(on.describe()).isEqualTo("drops logged to the kernel log, at most 10/minute per reason and IP family (burst 5)");
    }

    @Test
    void parsesRatesInEachUnitAndAGroup() {
        assertThat(DropLogging.parse(true, Optional.of("1/second"), OptionalInt.of(0)))
                .isEqualTo(new DropLogging(true, new DropLogging.Rate(1, DropLogging.Per.SECOND), OptionalInt.of(0)));
        assertThat(DropLogging.Rate.parse("10000/day")).isEqualTo(new DropLogging.Rate(10_000, DropLogging.Per.DAY));
        assertThat(DropLogging.Rate.parse("5/hour").toString()).isEqualTo("5/hour");
        assertThat(DropLogging.parse(true, Optional.empty(), OptionalInt.of(65535)).describe())
                .isEqualTo("drops logged to NFLOG group 65535, at most 10/minute per reason and IP family (burst 5)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "10/", "/minute", "ten/minute", "10/fortnight", "10/Minute", "10/minutes", "-1/second",
            "1.5/second", "10/minute/2", "99999999999/second"})
    void aRateThatIsNotNPerUnitSaysHowToWriteOne(String text) {
        assertThatThrownBy(() -> DropLogging.parse(true, Optional.of(text), OptionalInt.empty()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("log rate '" + text + "' is not a rate; write it like 10/minute (N/second, N/minute, N/hour or N/day, "
                        + "N from 1 to 10000)");
    }

    @Test
    void aRateOutOfRangeSaysTheRange() {
        assertThatThrownBy(() -> DropLogging.Rate.parse("0/second")).isInstanceOf(InvalidInputException.class)
                .hasMessage("log rate 0 is out of range; use 1 to 10000 lines per second, minute, hour or day");
        assertThatThrownBy(() -> DropLogging.Rate.parse("10001/minute")).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("log rate 10001 is out of range");
    }

    @Test
    void aGroupOutOfRangeSaysTheRange() {
        assertThatThrownBy(() -> DropLogging.parse(true, Optional.empty(), OptionalInt.of(65536)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("log group 65536 is out of range; use an NFLOG group from 0 to 65535");
        assertThatThrownBy(() -> DropLogging.parse(true, Optional.empty(), OptionalInt.of(-1)))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("log group -1 is out of range");
    }

    @Test
    void everyReasonHasAStablePrefixOfItsOwn() {
        assertThat(DropLogging.Reason.values()).extracting(DropLogging.Reason::prefix).containsExactly(
                "bridgewall blocked: ", "bridgewall isolation: ", "bridgewall internal: ", "bridgewall inbound: ",
                "bridgewall input: ");
    }
}
