package org.anykernel.launcher.embed;

/** A shell command given to {@code --exec} threw. */
public final class CommandFailedException extends LaunchException {
    private static final long serialVersionUID = 1L;
    private final String command;

    /** {@code command} failed; the message is the root cause's. */
    public CommandFailedException(String command, Throwable cause) {
        super(command + ": " + rootMessage(cause), cause);
        this.command = command;
    }

    /** The command as given. */
    public String command() {
        return command;
    }
}
