package org.anykernel.itests;

/** The monolithic profile, composed by anyk compose and booted from the composed kernel's directory, passes what the profile passes. */
public class ComposedMonolithicIT extends ProfileBoot {
    public ComposedMonolithicIT() {
        super("monolithic", "devices", "colocated", true);
    }
}
