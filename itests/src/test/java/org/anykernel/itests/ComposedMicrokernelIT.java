package org.anykernel.itests;

/** The microkernel profile, composed by anyk compose and booted from the composed kernel's directory, passes what the profile passes. */
public class ComposedMicrokernelIT extends ProfileBoot {
    public ComposedMicrokernelIT() {
        super("microkernel", "chr", "isolated", true);
    }
}
