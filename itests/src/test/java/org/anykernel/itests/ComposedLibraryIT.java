package org.anykernel.itests;

/** The library profile, composed by anyk compose and booted from the composed kernel's directory, passes what the profile passes. */
public class ComposedLibraryIT extends ProfileBoot {
    public ComposedLibraryIT() {
        super("library", "chr", "library", true);
    }
}
