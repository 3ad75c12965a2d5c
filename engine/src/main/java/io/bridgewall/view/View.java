package io.bridgewall.view;

/**
 * A document bridgewall prints for scripts (`plan --json`, `show --json`). Every document
 * carries {@link #FORMAT}: fields are only ever added within one format; removing, renaming or
 * changing the meaning of a field raises it, so a script can refuse a format it does not know.
 */
public sealed interface View permits PlanView, InstalledView, DoctorView {
    int FORMAT = 1;

    /** The format number, {@link #FORMAT}. */
    int format();

    /** Which document this is: the command that prints it ("plan", "show", "doctor"). */
    String kind();

    /** The table a document is about: bridgewall's one table. */
    record TableId(String family, String name) {
    }
}
