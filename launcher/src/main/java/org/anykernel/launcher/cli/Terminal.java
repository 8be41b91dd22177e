package org.anykernel.launcher.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether the user is at a terminal, which decides if the Gogo shell reads stdin. */
final class Terminal {
    private Terminal() {
    }

    /**
     * {@code System.console()} alone is not enough: since Java 22 it returns a console even when stdin is
     * a pipe, and {@code Console.isTerminal()} (22+, absent from our release 21 API) tells them apart.
     */
    static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // Java 21: a console means a terminal
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
