package org.anykernel.base.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.hooks.bundle.CollisionHook;

/**
 * The collision hook behind installing a driver's next build beside the running one: it lets exactly that install
 * collide with exactly the running bundle, and nothing else.
 */
class StagingTest {
    private final Staging staging = new Staging();

    /** A bundle that answers only its id (what the hook looks at). */
    private static Bundle bundle(long id) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getBundleId" -> id;
                    case "hashCode" -> Long.hashCode(id);
                    case "equals" -> p == a[0];
                    case "toString" -> "bundle " + id;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    /**
     * A context whose installBundle does what the framework does with a second bundle of the same name and version:
     * asks the hook about the candidates, and refuses the install if any is left.
     */
    private BundleContext framework(List<Bundle> candidates, Bundle installed, List<List<Bundle>> left) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> {
                    if (!m.getName().equals("installBundle")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    List<Bundle> c = new ArrayList<>(candidates);
                    staging.filterCollisions(CollisionHook.INSTALLING, bundle(0), c);
                    left.add(c);
                    if (!c.isEmpty()) {
                        throw new org.osgi.framework.BundleException("not unique: " + c,
                                org.osgi.framework.BundleException.DUPLICATE_BUNDLE_ERROR);
                    }
                    return installed;
                });
    }

    @Test
    void theInstallBesideTheRunningBundleMayCollideWithItAlone() throws Exception {
        Bundle running = bundle(7);
        Bundle next = bundle(42);
        List<List<Bundle>> left = new ArrayList<>();
        Bundle got = staging.installBeside(framework(List.of(running), next, left), "anyk-update:x:1",
                new ByteArrayInputStream(new byte[0]), running);
        assertSame(next, got);
        assertEquals(List.of(List.of()), left);
        assertTrue(staging.isStaged(next), "the next build is staged until it takes over");
        assertFalse(staging.isStaged(running));
        staging.unstage(next);
        assertFalse(staging.isStaged(next));
    }

    @Test
    void anotherCollidingBundleStillRefusesTheInstall() {
        Bundle running = bundle(7);
        Bundle other = bundle(8);
        List<List<Bundle>> left = new ArrayList<>();
        org.osgi.framework.BundleException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.osgi.framework.BundleException.class, () -> staging.installBeside(
                        framework(List.of(running, other), bundle(42), left), "anyk-update:x:1",
                        new ByteArrayInputStream(new byte[0]), running));
        assertEquals(org.osgi.framework.BundleException.DUPLICATE_BUNDLE_ERROR, e.getType());
        assertEquals(List.of(List.of(other)), left);
    }

    @Test
    void outsideThatInstallNothingIsLetThrough() throws Exception {
        Bundle running = bundle(7);
        staging.installBeside(framework(List.of(running), bundle(42), new ArrayList<>()), "anyk-update:x:1",
                new ByteArrayInputStream(new byte[0]), running);
        List<Bundle> later = new ArrayList<>(List.of(running));
        staging.filterCollisions(CollisionHook.INSTALLING, bundle(0), later);
        assertEquals(List.of(running), later, "after the install, the running bundle collides again");
        List<Bundle> updating = new ArrayList<>(List.of(running));
        staging.filterCollisions(CollisionHook.UPDATING, bundle(0), updating);
        assertEquals(List.of(running), updating);
    }
}
