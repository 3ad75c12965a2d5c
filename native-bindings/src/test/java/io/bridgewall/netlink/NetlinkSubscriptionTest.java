package io.bridgewall.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bridgewall.netlink.NetlinkSubscription.Delivery;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Waiting, waking and losses of a listening socket, over a scripted kernel. */
class NetlinkSubscriptionTest {
    private final ScriptedTransport kernel = new ScriptedTransport();
    private final NetlinkSubscription subscription = NetlinkSubscription.over(kernel, Netlink.NFNLGRP_NFTABLES);

    @Test
    void aDatagramIsHandedOnAsItsMessages() {
        kernel.answer(Messages.data(Messages.NEWTABLE, 0, 1, 99, 8), Messages.data(Messages.NEWGEN, 0, 1, 99, 12));

        Delivery delivery = subscription.receive(Duration.ofSeconds(1));

        assertThat(((Delivery.Messages) delivery).messages()).extracting(NetlinkMessage::type)
                .containsExactly(Messages.NEWTABLE, Messages.NEWGEN);
    }

    @Test
    void timeoutsUntilTheDeadlineAreQuietAndThenTheNextDatagramComes() {
        kernel.fail(Netlink.EAGAIN).fail(Netlink.EINTR).answer(Messages.data(Messages.NEWGEN, 0, 1, 99, 12));

        assertThat(subscription.receive(Duration.ofSeconds(5))).isInstanceOf(Delivery.Messages.class);
        long start = System.nanoTime();
        assertThat(subscription.receive(Duration.ofMillis(50))).isEqualTo(new Delivery.Nothing(NetlinkSubscription.Quiet.TIMED_OUT));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
    }

    @Test
    void droppedNotificationsAreALossNotSilence() {
        kernel.fail(Netlink.ENOBUFS);

        assertThat(subscription.receive(Duration.ofSeconds(1))).isInstanceOfSatisfying(Delivery.Lost.class,
                lost -> assertThat(lost.cause()).isEqualTo(NetlinkSubscription.Loss.QUEUE_FULL));
    }

    @Test
    void aDatagramThatLiesAboutItsLengthIsALossNotAnException() {
        byte[] message = Messages.data(Messages.NEWGEN, 0, 1, 99, 12);
        message[0] = (byte) 200; // claims 200 bytes, has 28
        kernel.answer(message);

        assertThat(subscription.receive(Duration.ofSeconds(1))).isInstanceOfSatisfying(Delivery.Lost.class,
                lost -> assertThat(lost.cause()).isEqualTo(NetlinkSubscription.Loss.UNREADABLE));
    }

    @Test
    void otherReceiveErrorsAreThrown() {
        kernel.fail(Netlink.EPERM);

        assertThatThrownBy(() -> subscription.receive(Duration.ofSeconds(1))).isInstanceOf(KernelException.class);
    }

    @Test
    void aWakeUpEndsTheNextWaitOnceEvenWhenAskedBeforeIt() {
        subscription.wakeUp();

        assertThat(subscription.receive(Duration.ofSeconds(2))).isEqualTo(new Delivery.Nothing(NetlinkSubscription.Quiet.WOKEN_UP));
        kernel.answer(Messages.data(Messages.NEWGEN, 0, 1, 99, 12));
        assertThat(subscription.receive(Duration.ofSeconds(1))).isInstanceOf(Delivery.Messages.class);
    }

    @Test
    void afterCloseEveryReceiveIsQuietAndTheSocketIsClosed() {
        kernel.answer(Messages.data(Messages.NEWGEN, 0, 1, 99, 12));
        subscription.close();

        assertThat(kernel.closed).isTrue();
        assertThat(subscription.receive(Duration.ofSeconds(1))).isEqualTo(new Delivery.Nothing(NetlinkSubscription.Quiet.CLOSED));
    }
}
