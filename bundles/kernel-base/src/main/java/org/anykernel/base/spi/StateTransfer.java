package org.anykernel.base.spi;

import java.util.Map;

/**
 * A driver service that can hand its state to another build of itself, for a live update ({@code kernel:update}):
 * the kernel holds the domain's calls, asks the running build to {@link #exportState}, installs the new build and
 * gives its service the state ({@link #importState}), then lets the calls go on. What crosses is values only: JDK
 * types (strings, numbers, byte arrays, lists and maps of them) and kernel SPI objects (an {@link OpenFile}), never a
 * class of the driver's, since the two builds have different class loaders.
 */
public interface StateTransfer {

    /**
     * Quiesces and hands over everything a new build needs to go on; this build lets go of it (it is about to stop).
     * If the update is rolled back, this same state is imported into a fresh instance of this build. The exporting
     * object is deactivated only after calls go on to the new build (so that its deactivation is not part of the
     * pause): from this call on it must not touch what it handed over. The pause runs code of the new build for the
     * first time, so {@link #importState} should be plain loops rather than lambdas (each lambda of a new class
     * loader is linked at its first run, about a millisecond).
     */
    Map<String, Object> exportState();

    /** Takes over a state a build of this driver exported ({@code EINVAL} for one it cannot read). */
    void importState(Map<String, Object> state);
}
