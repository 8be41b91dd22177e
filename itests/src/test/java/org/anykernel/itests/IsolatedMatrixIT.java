package org.anykernel.itests;

/** The conformance suite with the drivers isolated, from the microkernel profile. */
public class IsolatedMatrixIT extends PlacementMatrix {
    public IsolatedMatrixIT() {
        super("isolated", "microkernel");
    }
}
