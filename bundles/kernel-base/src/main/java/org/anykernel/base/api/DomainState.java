package org.anykernel.base.api;

/** The supervisor's view of a domain. */
public enum DomainState {
    /** Serving calls. */
    ACTIVE,
    /** A call overran the watchdog; a restart is pending or the policy forbids one. */
    HUNG,
    /** Being stopped and started again; calls are held. */
    RESTARTING,
    /** Stopped after too many restarts (or by policy): its services answer {@code ENXIO}. */
    FAILED
}
