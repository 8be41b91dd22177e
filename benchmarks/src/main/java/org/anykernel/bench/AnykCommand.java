package org.anykernel.bench;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code anyk} command run inside the benchmark's JVM, through its entry point {@code Anyk.run(args, out, err)}
 * loaded from {@link EmbeddedLibrary#anykJar()} in a class loader of its own (the launcher is not on this jar's class
 * path: see {@link EmbeddedLibrary}). The JVM is up, so what is measured is the command alone.
 */
final class AnykCommand {
    private final URLClassLoader loader;
    private final Method run;

    AnykCommand() throws ReflectiveOperationException {
        try {
            loader = new URLClassLoader("anyk", new URL[] {EmbeddedLibrary.anykJar().toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        run = loader.loadClass("org.anykernel.launcher.cli.Anyk").getMethod("run", String[].class, PrintStream.class, PrintStream.class);
    }

    /** The class loader of the launcher's classes and resources (the packaged features among them). */
    ClassLoader loader() {
        return loader;
    }

    /**
     * Runs {@code anyk ARGS}, its output and errors together, with the launcher's class loader as the context class
     * loader (as under {@code anyk}: threads the framework starts inherit it).
     *
     * @return the output's lines
     * @throws IllegalStateException when the command exits with anything but 0, with its output
     */
    List<String> run(List<String> args) throws ReflectiveOperationException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(text, true, StandardCharsets.UTF_8);
        Thread self = Thread.currentThread();
        ClassLoader tccl = self.getContextClassLoader();
        self.setContextClassLoader(loader);
        int code;
        try {
            code = (Integer) run.invoke(null, args.toArray(String[]::new), ps, ps);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("anyk " + String.join(" ", args) + " threw " + e.getCause(), e.getCause());
        } finally {
            self.setContextClassLoader(tccl);
        }
        String out = text.toString(StandardCharsets.UTF_8);
        if (code != 0) {
            throw new IllegalStateException("anyk " + String.join(" ", args) + " exited " + code + ": " + out.strip());
        }
        return out.lines().toList();
    }
}
