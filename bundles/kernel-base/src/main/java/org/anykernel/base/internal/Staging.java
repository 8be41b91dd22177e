package org.anykernel.base.internal;

import java.io.InputStream;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.hooks.bundle.CollisionHook;

/**
 * Lets a driver's next build be installed beside the running one (for {@code kernel:update} and
 * {@code kernel:replace}), and says which installed driver bundles are not their domain's build: the next build until
 * it is swapped in, the previous one until it is uninstalled.
 *
 * <p>With {@code org.osgi.framework.bsnversion=managed} (Felix's default) a second bundle of the same symbolic name
 * and version is refused unless a collision hook removes the running one from the candidates: this hook does so only
 * for the one install {@link #installBeside} is making, on its thread, and only for the running bundle it names.
 */
final class Staging implements CollisionHook {
    /** The running bundle the install on this thread may collide with. */
    private final ThreadLocal<Long> besideOf = new ThreadLocal<>();
    private final Set<Long> staged = ConcurrentHashMap.newKeySet();

    /**
     * Installs {@code in} at {@code location} beside {@code running} (which may have the same symbolic name and
     * version), through {@code ctx}; the new bundle is {@linkplain #isStaged staged} until {@link #unstage}.
     */
    Bundle installBeside(BundleContext ctx, String location, InputStream in, Bundle running) throws BundleException {
        besideOf.set(running.getBundleId());
        try {
            Bundle b = ctx.installBundle(location, in);
            staged.add(b.getBundleId());
            return b;
        } finally {
            besideOf.remove();
        }
    }

    @Override
    public void filterCollisions(int operationType, Bundle target, Collection<Bundle> collisionCandidates) {
        Long running = besideOf.get();
        if (operationType == INSTALLING && running != null) {
            collisionCandidates.removeIf(c -> c.getBundleId() == running);
        }
    }

    /** Whether {@code b} is a driver bundle beside its domain's build (not to be started, restarted or named). */
    boolean isStaged(Bundle b) {
        return staged.contains(b.getBundleId());
    }

    void stage(Bundle b) {
        staged.add(b.getBundleId());
    }

    void unstage(Bundle b) {
        staged.remove(b.getBundleId());
    }
}
