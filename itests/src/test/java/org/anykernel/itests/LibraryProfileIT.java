package org.anykernel.itests;

/** The library profile boots and answers on the shell. */
public class LibraryProfileIT extends ProfileBoot {
    public LibraryProfileIT() {
        super("library", "chr", "library");
    }
}
