package io.bridgewall.nativelib;

import jnr.ffi.Pointer;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int32_t;

/**
 * Raw jnr-ffi binding of libmnl (libmnl.so.0): the netlink socket. Replies are split and
 * length-checked in Java ({@code io.bridgewall.netlink.NetlinkMessages}) rather than by
 * mnl_cb_run, whose message walk trusts lengths it should not (RUSTSEC-2025-0142).
 */
public interface LibMnl {
    /** Lets the kernel pick the port id on bind. */
    int MNL_SOCKET_AUTOPID = 0;

    Pointer mnl_socket_open(int bus);

    int mnl_socket_bind(Pointer socket, @u_int32_t int groups, int pid);

    int mnl_socket_close(Pointer socket);

    int mnl_socket_get_fd(Pointer socket);

    @u_int32_t int mnl_socket_get_portid(Pointer socket);

    @ssize_t long mnl_socket_sendto(Pointer socket, Pointer buffer, @size_t long length);

    @ssize_t long mnl_socket_recvfrom(Pointer socket, Pointer buffer, @size_t long length);

    int mnl_socket_setsockopt(Pointer socket, int type, Pointer value, int length);
}
