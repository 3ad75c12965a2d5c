package io.bridgewall.kernel;

import io.bridgewall.netlink.BatchOutcome;
import io.bridgewall.netlink.KernelException;
import io.bridgewall.netlink.Netlink;
import io.bridgewall.netlink.NetlinkSocket;
import io.bridgewall.netlink.WireBatch;
import io.bridgewall.nftnl.NftRequests;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What became of bringing a {@link TableSnapshot} back, guarded by what the table must hold
 * first: the check and the restore happen at one generation (the batch carries it), so a commit
 * by anyone in between makes the kernel refuse the restore, and the check runs again.
 */
public sealed interface Restore {
    /** The snapshot is back, in the transaction that made {@code generation}. */
    record Restored(int generation) implements Restore {
    }

    /** The kernel already held the snapshot's state (the apply never committed, or it was undone): nothing was sent. */
    record AlreadyThere(int generation) implements Restore {
    }

    /** The table holds neither what was expected nor the snapshot: someone changed it since; nothing was sent. */
    record ChangedSince(int generation, String now) implements Restore {
    }

    static Restore run(NetlinkSocket socket, TableSnapshot previous, String expectedDigest) {
        String tableId = previous.family().nftName() + " " + previous.table();
        ContentionPacing pacing = ContentionPacing.start();
        int lostAnswers = 0;
        while (true) {
            ReadBack readBack = KernelReader.read(socket, previous.table(), previous.family(), pacing);
            int generation = readBack.generation();
            Optional<String> digest = TableSnapshot.digestOf(readBack);
            if (digest.isPresent() && digest.get().equals(previous.digest())) {
                return new AlreadyThere(generation);
            }
            if (digest.isEmpty() || !digest.get().equals(expectedDigest)) {
                return new ChangedSince(generation, describe(readBack, tableId));
            }
            BatchOutcome outcome = socket.send(WireBatch.of(OptionalInt.of(generation), previous.restore()));
            if (outcome instanceof BatchOutcome.Committed) {
                int next = generation + 1;
                return new Restored(next == 0 ? 1 : next);
            }
            if (outcome instanceof BatchOutcome.Refused refused) {
                KernelException error = refused.error();
                if (error.errno() != Netlink.ERESTART) {
                    throw NftRequests.explainRefusal(socket, previous.table(), previous.family().code(), tableId, error);
                }
                if (!pacing.pauseBeforeAnotherAttempt()) {
                    throw new KernelException(Netlink.ERESTART, "restoring table " + tableId, "someone else committed to "
                            + "the ruleset during each of " + pacing.describe("attempts"));
                }
                continue;
            }
            // The answer was lost: the next read tells whether the snapshot is back (AlreadyThere) or not (try again).
            if (++lostAnswers == Applier.MOST_LOST_ANSWERS) {
                throw ((BatchOutcome.Unknown) outcome).cause();
            }
        }
    }

    private static String describe(ReadBack readBack, String tableId) {
        if (readBack.table().isEmpty()) {
            return "table " + tableId + " is not installed";
        }
        InstalledTable installed = readBack.table().get();
        if (!installed.foreign().isEmpty()) {
            return "table " + tableId + " holds " + installed.foreign().size() + " thing(s) bridgewall did not make";
        }
        return "table " + tableId + " holds " + installed.ours().chains().size() + " chains, "
                + installed.ours().ruleCount() + " rules that neither the apply nor the state before it had";
    }
}
