package io.bridgewall.it.lab;

/** A running lab container: its name, the network it is attached to, and its IPv4 address. */
public record LabContainer(String name, LabNetwork network, String ip) {
}
