package org.anykernel.itests;

/** The microkernel profile boots and answers on the shell. */
public class MicrokernelProfileIT extends ProfileBoot {
    public MicrokernelProfileIT() {
        super("microkernel", "chr", "isolated");
    }
}
