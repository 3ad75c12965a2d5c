package io.bridgewall.nftnl;

import jnr.ffi.Pointer;

/**
 * One owner per libnftnl object: allocated in the constructor, freed exactly once by
 * {@link #close()}, or handed over to a parent object that frees it ({@link #handOver()}).
 */
abstract class NativeObject implements AutoCloseable {
    /** C objects allocated and not yet freed or handed over: tests check error paths return to zero. */
    private static final java.util.concurrent.atomic.AtomicLong LIVE = new java.util.concurrent.atomic.AtomicLong();

    private Pointer pointer;

    NativeObject(Pointer pointer, String what) {
        if (pointer == null) {
            throw new OutOfMemoryError("libnftnl could not allocate " + what);
        }
        this.pointer = pointer;
        LIVE.incrementAndGet();
    }

    static long live() {
        return LIVE.get();
    }

    final boolean isOpen() {
        return pointer != null;
    }

    final Pointer pointer() {
        if (pointer == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " was already freed or handed over");
        }
        return pointer;
    }

    /** Gives the pointer to a new owner (libnftnl frees it with its parent); this object is spent. */
    final Pointer handOver() {
        Pointer owned = pointer();
        pointer = null;
        LIVE.decrementAndGet();
        return owned;
    }

    abstract void free(Pointer pointer);

    @Override
    public final void close() {
        if (pointer != null) {
            free(pointer);
            pointer = null;
            LIVE.decrementAndGet();
        }
    }
}
