package org.anykernel.launcher;

/**
 * A profile cannot be used, with a message of one line that names the file, bundle or variable at fault.
 * The {@link Kind} tells bad input (the user can fix the command line or the feature file) from something
 * missing in the environment (a bundle not built yet).
 */
public final class ProfileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, broadly. */
    public enum Kind {
        /** Bad input: an unknown profile, malformed JSON, an unknown variable, conflicting bundles. */
        INVALID,
        /** Input is fine but something it names is not there, such as a bundle jar. */
        MISSING
    }

    private final Kind kind;

    /** A problem of the given kind. */
    public ProfileException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** Bad input. */
    static ProfileException invalid(String message) {
        return new ProfileException(Kind.INVALID, message);
    }

    /** What went wrong, broadly. */
    public Kind kind() {
        return kind;
    }
}
