package org.anykernel.base.api;

import java.util.List;

/**
 * The running kernel, as a client or an operator sees it: its domains and services, its processes, its
 * supervisor's record. Registered by kernel-base; the shell's {@code kernel:} commands are built on it.
 */
public interface Kernel {

    /** Every domain, the default one included, by name. */
    List<DomainInfo> domains();

    /** Every front. */
    List<ServiceInfo> services();

    /** Every process. */
    List<ProcessInfo> processes();

    /**
     * Moves a domain, or the domain of a service (by interface name, simple name, component name or
     * front id), to another placement while its consumers stay bound. Calls made during the move wait
     * (bounded by the domain's hold time) and then proceed.
     *
     * @return the domain moved
     */
    String place(String serviceOrDomain, Placement placement);

    /**
     * Injects a fault into the calls of a service (or of every service of a domain), inside its domain.
     * {@link FaultSpec.Kind#CLEAR} removes it.
     *
     * @return how many services the plan applies to
     */
    int fault(String serviceOrDomain, FaultSpec spec);

    /**
     * Replaces a running (or crashed) driver bundle by another build, while the rest of the kernel runs: the calls of
     * its domain are held meanwhile, and if the new build does not start or its services do not come up within the
     * domain's hold time, the previous build is put back.
     *
     * @param driver   a driver name, a bundle symbolic name, or a domain with one driver bundle
     * @param location the new build: {@code file:PATH}, a path, or {@code mvn:GROUP/ARTIFACT/VERSION}
     * @return one line saying what was replaced and how long calls were held
     * @throws KernelException {@code ENOENT} (no such driver or jar), {@code EBUSY} (a restart is under way),
     *                         {@code EIO} (rolled back; the message says why)
     */
    String replace(String driver, String location);

    /**
     * A live update: as {@link #replace}, and the running build's services hand their state over to the new build's
     * ({@code StateTransfer}) while the domain's calls are held, so nothing is lost and no call fails.
     *
     * @param location the new build, or null to install the running build again
     * @throws KernelException {@code EOPNOTSUPP} for a driver whose services cannot hand over their state,
     *                         {@code EIO} when rolled back (the previous build got the state back)
     */
    String update(String driver, String location);

    /** Restarts a domain now (also one that is FAILED), as its supervisor would. */
    void restart(String domain);

    /** Call statistics per domain. */
    List<DomainStats> stats();

    /** The most recent events, oldest first, at most {@code max}. */
    List<KernelEvent> events(int max);

    /** Whether every configured domain has its services bound and no restart is under way. */
    boolean settled();

    /** Creates a process with these credentials; returns its pid. */
    int spawn(String name, Credentials credentials);

    /** Ends a process, closing its descriptors. */
    void exit(int pid);

    /** The typed syscall API bound to process {@code pid}. */
    Posix posix(int pid);
}
