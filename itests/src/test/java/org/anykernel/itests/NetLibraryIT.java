package org.anykernel.itests;

/** The socket conformance suite with nic-sim and net-inet library, from the net-demo profile. */
public class NetLibraryIT extends NetMatrix {
    public NetLibraryIT() {
        super("library");
    }
}
