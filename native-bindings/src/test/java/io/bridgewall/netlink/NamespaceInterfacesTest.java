package io.bridgewall.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Reading a namespace's interfaces while they change (Docker creating bridges and veths). */
class NamespaceInterfacesTest {
    private static final int FIRST = 500;

    private final ScriptedTransport kernel = new ScriptedTransport();
    private final NetlinkSocket socket = NetlinkSocket.over(kernel, FIRST);

    @Test
    void anInterruptedDumpIsDumpedAgain() {
        kernel.answer(Messages.done(FIRST, ScriptedTransport.PORT, Netlink.NLM_F_DUMP_INTR)) // links, interrupted
                .answer(Messages.done(FIRST + 1, ScriptedTransport.PORT, 0)) // links again
                .answer(Messages.done(FIRST + 2, ScriptedTransport.PORT, 0)); // addresses

        NamespaceInterfaces interfaces = NamespaceInterfaces.read(socket);

        assertThat(interfaces.links()).isEmpty();
        assertThat(kernel.sent).hasSize(3);
    }

    @Test
    void interfacesThatKeepChangingFailWithOneLineAfterFiveDumps() {
        for (int i = 0; i < 5; i++) {
            kernel.answer(Messages.done(FIRST + i, ScriptedTransport.PORT, Netlink.NLM_F_DUMP_INTR));
        }

        assertThatThrownBy(() -> NamespaceInterfaces.read(socket)).isInstanceOf(KernelException.class)
                .hasMessageContaining("the interfaces kept changing during 5 dumps");
        assertThat(kernel.sent).hasSize(5);
    }
}
