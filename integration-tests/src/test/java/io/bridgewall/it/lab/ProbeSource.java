package io.bridgewall.it.lab;

import io.bridgewall.it.support.Netns;

/** Where a probe starts: inside a lab container, or in one of the lab's namespaces. */
public sealed interface ProbeSource {
    String label();

    record FromContainer(LabContainer container) implements ProbeSource {
        @Override
        public String label() {
            return container.name();
        }
    }

    record FromNamespace(String role, Netns netns) implements ProbeSource {
        @Override
        public String label() {
            return role;
        }
    }
}
