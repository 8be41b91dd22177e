package org.anykernel.itests;

/** The socket conformance suite with nic-sim and net-inet colocated, from the net-demo profile. */
public class NetColocatedIT extends NetMatrix {
    public NetColocatedIT() {
        super("colocated");
    }
}
