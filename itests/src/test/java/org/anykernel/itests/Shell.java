package org.anykernel.itests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;

/** Gogo commands in a booted kernel, as a user types them. */
final class Shell {
    private Shell() {
    }

    /** What {@code command} printed, then its result; an {@link AssertionError} naming the command if it failed. */
    static String run(CommandProcessor shell, String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession s = shell.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
        Object result;
        try {
            result = s.execute(command);
        } catch (Exception e) {
            throw new AssertionError(command + ": " + e, e);
        } finally {
            s.close();
        }
        return out.toString(StandardCharsets.UTF_8) + (result == null ? "" : result);
    }
}
