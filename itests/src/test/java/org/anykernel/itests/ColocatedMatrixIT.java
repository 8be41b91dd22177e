package org.anykernel.itests;

/** The conformance suite with the drivers colocated, from the monolithic profile. */
public class ColocatedMatrixIT extends PlacementMatrix {
    public ColocatedMatrixIT() {
        super("colocated", "monolithic");
    }
}
