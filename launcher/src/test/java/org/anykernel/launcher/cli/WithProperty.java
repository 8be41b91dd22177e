package org.anykernel.launcher.cli;

/** Runs test code with a system property set, and puts back what was there. */
final class WithProperty {
    private WithProperty() {
    }

    /** Test code that may throw. */
    interface Body {
        void run() throws Exception;
    }

    static void run(String key, String value, Body body) throws Exception {
        String old = System.getProperty(key);
        System.setProperty(key, value);
        try {
            body.run();
        } finally {
            if (old == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, old);
            }
        }
    }
}
