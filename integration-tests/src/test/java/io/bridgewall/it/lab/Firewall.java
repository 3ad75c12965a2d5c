package io.bridgewall.it.lab;

/**
 * A firewall the lab can load into its docker host's namespace before running the matrix.
 * Implementations must act only inside {@link Lab#host()} (e.g. {@code ip netns exec},
 * {@code --netns}); {@link Lab#resetFirewall()} undoes any of them between runs.
 */
public interface Firewall {
    /** Column heading in the printed matrix. */
    String name();

    void apply(Lab lab);
}
