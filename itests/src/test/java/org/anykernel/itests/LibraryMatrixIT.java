package org.anykernel.itests;

/** The conformance suite with the drivers library, from the library profile. */
public class LibraryMatrixIT extends PlacementMatrix {
    public LibraryMatrixIT() {
        super("library", "library");
    }
}
