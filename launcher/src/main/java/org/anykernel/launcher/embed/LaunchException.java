package org.anykernel.launcher.embed;

/** The framework or the kernel in it did not come up or failed; the message is one line for the user. */
public class LaunchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public LaunchException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause} (kept for {@code ANYK_DEBUG}). */
    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The message of the innermost cause, or its class name when it has none: what a user can act on. */
    public static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
