package org.anykernel.itests;

/** The monolithic profile boots and answers on the shell. */
public class MonolithicProfileIT extends ProfileBoot {
    public MonolithicProfileIT() {
        super("monolithic", "devices", "colocated");
    }
}
