package org.anykernel.itests;

/**
 * The socket conformance suite on net-demo composed by anyk compose (nic-sim and net-inet isolated) and booted from
 * the composed kernel's directory.
 */
public class ComposedNetDemoIT extends NetMatrix {
    public ComposedNetDemoIT() {
        super("isolated", true);
    }
}
