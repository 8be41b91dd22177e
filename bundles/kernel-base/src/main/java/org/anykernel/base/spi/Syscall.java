package org.anykernel.base.spi;

import java.util.List;

/**
 * A syscall's signature: its number, name and argument kinds.
 *
 * @param number Linux x86_64 number where one exists
 * @param name   its name ({@code "read"})
 * @param args   the kinds of its arguments, in order
 */
public record Syscall(int number, String name, List<ArgKind> args) {
    public Syscall {
        args = List.copyOf(args);
    }

    /** Shorthand for a signature. */
    public static Syscall of(int number, String name, ArgKind... args) {
        return new Syscall(number, name, List.of(args));
    }
}
