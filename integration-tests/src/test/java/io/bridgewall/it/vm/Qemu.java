package io.bridgewall.it.vm;

import io.bridgewall.it.support.Shell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One boot of the Debian image under qemu: software emulation (TCG; /dev/kvm on these machines
 * is not usable, see GUIDE.md), two vCPUs, no network device at all, the serial console to a
 * file, a qcow2 overlay over the cached disk (the image itself is never written), and a 9p
 * shared folder (tag "share") for the test's scripts, the package and the results. The VM
 * powers itself off (vmtest.service); qemu is killed when the timeout passes.
 */
public record Qemu(DebianImage image, Path overlay, Path share) {
    public static final String BINARY = "qemu-system-x86_64";

    /** A fresh overlay for one run; later boots of the run share it, as reboots share a disk. */
    public static Qemu fresh(DebianImage image, Path overlay, Path share) {
        Shell.run(Duration.ofSeconds(60), "qemu-img", "create", "-q", "-f", "qcow2", "-b", image.disk().toString(), "-F", "raw",
                overlay.toString()).orThrow();
        return new Qemu(image, overlay, share);
    }

    public record Boot(Shell.Result qemu, Duration took) {
    }

    public Boot boot(Path console, Duration timeout) {
        long started = System.nanoTime();
        Shell.Result result = Shell.run(timeout, null, List.of(BINARY,
                "-accel", "tcg,thread=multi", "-cpu", "qemu64", "-smp", "2", "-m", "1536",
                "-display", "none", "-monitor", "none", "-no-reboot",
                "-serial", "file:" + console,
                "-kernel", image.kernel().toString(), "-initrd", image.initrd().toString(),
                // no_timer_check: under software emulation on a busy host the guest kernel's
                // IO-APIC timer check can miss its ticks and panic ("IO-APIC + timer doesn't
                // work!"); virtualised guests skip that check (as cloud images do).
                "-append", "root=/dev/vda rw console=ttyS0 panic=-1 no_timer_check",
                "-drive", "file=" + overlay + ",if=virtio,format=qcow2,cache=unsafe",
                "-virtfs", "local,path=" + share + ",mount_tag=share,security_model=none,id=share",
                "-nic", "none"));
        return new Boot(result, Duration.ofNanos(System.nanoTime() - started));
    }
}
