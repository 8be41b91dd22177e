package org.anykernel.itests;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The cases of a conformance suite ({@link VfsConformance}, {@link SocketConformance}): its public no-argument void
 * methods, by name, so that JUnit runners make one test per case and Pax Exam runs all of them in one container.
 */
final class Cases {
    private Cases() {
    }

    /** The names of the cases of {@code suite}, sorted. */
    static List<String> of(Class<?> suite) {
        List<String> out = new ArrayList<>();
        for (Method m : suite.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && m.getParameterCount() == 0 && m.getReturnType() == void.class) {
                out.add(m.getName());
            }
        }
        out.sort(null);
        return out;
    }

    /** Runs case {@code name} of {@code suite}, throwing what it throws. */
    static void run(Object suite, String name) throws Throwable {
        try {
            suite.getClass().getMethod(name).invoke(suite);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Runs every case; returns the failures, one line each ({@code case: throwable}). */
    static List<String> runAll(Object suite) {
        List<String> failed = new ArrayList<>();
        for (String c : of(suite.getClass())) {
            try {
                run(suite, c);
            } catch (Throwable t) {
                failed.add(c + ": " + t);
            }
        }
        return failed;
    }
}
