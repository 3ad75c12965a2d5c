package io.bridgewall.nativelib;

import jnr.ffi.Pointer;

/** The few libc calls bridgewall needs beyond libmnl: namespaces and socket options. */
public interface LibC {
    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;
    int CLONE_NEWNET = 0x40000000;
    int SOL_SOCKET = 1;
    int SO_SNDBUF = 7;
    int SO_RCVBUF = 8;
    int SO_RCVTIMEO = 20;
    int SO_SNDBUFFORCE = 32;
    int SO_RCVBUFFORCE = 33;
    int MSG_DONTWAIT = 0x40;

    int open(String path, int flags);

    int close(int fd);

    int setns(int fd, int nstype);

    @jnr.ffi.types.ssize_t long recv(int fd, Pointer buffer, @jnr.ffi.types.size_t long length, int flags);

    int setsockopt(int fd, int level, int option, Pointer value, int length);

    String strerror(int errno);
}
