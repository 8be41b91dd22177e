package org.anykernel.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.anykernel.base.api.Grant;
import org.anykernel.base.api.KernelService;
import org.anykernel.base.spi.OpenFile;
import org.junit.jupiter.api.Test;

/**
 * Every kernel service interface is portable across placements (DESIGN.md, "the kernel service
 * contract"): its methods take and return only values that can be copied or marshalled.
 */
class KernelServiceContractTest {

    /** Boxed primitives: immutable values (a record's optional field, {@code SetAttr}'s). */
    private static final java.util.Set<Class<?>> BOXED = java.util.Set.of(Integer.class, Long.class, Short.class,
            Byte.class, Boolean.class, Character.class, Float.class, Double.class);

    /**
     * Whether values of {@code t} may cross a placement boundary: values (copied or immutable), and two capabilities:
     * an open file ({@link OpenFile}), what {@code mount} hands a file system driver, as a descriptor passed over a
     * Unix socket (SCM_RIGHTS) hands a server the right to do I/O on it and nothing else; and a {@link Grant}, a
     * window on the caller's buffer lent for one call and revoked after it (a placement across processes would copy
     * the window's bytes, as a grant between address spaces maps or copies pages).
     */
    static boolean portable(Type t) {
        if (t instanceof Class<?> c) {
            return c.isPrimitive() || BOXED.contains(c) || c == String.class || c.isEnum() || c == byte[].class
                    || c == ByteBuffer.class || c == OpenFile.class || c == Grant.class
                    || (c.isRecord() && java.util.Arrays.stream(c.getRecordComponents())
                            .map(RecordComponent::getGenericType).allMatch(KernelServiceContractTest::portable));
        }
        if (t instanceof ParameterizedType p && p.getRawType() == List.class) {
            return portable(p.getActualTypeArguments()[0]);
        }
        return false;
    }

    static List<String> violations(Class<?> iface) {
        List<String> out = new ArrayList<>();
        for (Method m : iface.getMethods()) {
            if (!portable(m.getGenericReturnType())) {
                out.add(iface.getSimpleName() + "." + m.getName() + " returns " + m.getGenericReturnType());
            }
            for (Type p : m.getGenericParameterTypes()) {
                if (!portable(p)) {
                    out.add(iface.getSimpleName() + "." + m.getName() + " takes " + p);
                }
            }
        }
        return out;
    }

    static List<Class<?>> kernelServices() throws IOException, ClassNotFoundException {
        List<Class<?>> out = new ArrayList<>();
        for (BuiltBundles.Built b : BuiltBundles.all()) {
            List<String> exported = b.exports();
            try (JarFile jf = new JarFile(b.jar().toFile())) {
                for (JarEntry e : Collections.list(jf.entries())) {
                    String n = e.getName();
                    if (!n.endsWith(".class") || n.contains("$")) {
                        continue;
                    }
                    String cls = n.substring(0, n.length() - 6).replace('/', '.');
                    if (exported.contains(cls.substring(0, cls.lastIndexOf('.')))) {
                        Class<?> c = Class.forName(cls, false, KernelServiceContractTest.class.getClassLoader());
                        if (c.isInterface() && c.isAnnotationPresent(KernelService.class)) {
                            out.add(c);
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void everyExportedKernelServiceIsPortable() throws Exception {
        List<Class<?>> services = kernelServices();
        assertFalse(services.isEmpty());
        List<String> bad = new ArrayList<>();
        services.forEach(s -> bad.addAll(violations(s)));
        assertEquals(List.of(), bad);
    }

    /** What the check must refuse. */
    @KernelService
    interface Leaky {
        void register(Runnable callback);

        Map<String, Object> state();

        List<String> names();
    }

    @Test
    void theCheckRefusesCallbacksAndSharedObjects() {
        assertEquals(List.of("Leaky.register takes interface java.lang.Runnable",
                "Leaky.state returns java.util.Map<java.lang.String, java.lang.Object>"),
                violations(Leaky.class).stream().sorted().toList());
    }
}
