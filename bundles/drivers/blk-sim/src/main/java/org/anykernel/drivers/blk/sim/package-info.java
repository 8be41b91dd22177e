/**
 * The block driver of the hw-sim disk controller: {@link org.anykernel.drivers.blk.sim.BlkSimDriver} probes every
 * {@code DiskController} and registers one prototype-scoped {@code BlockDevice} per controller (so a library kernel
 * gets instances of its own); {@link org.anykernel.drivers.blk.sim.SimBlockDevice} queues tagged requests, runs an
 * interrupt thread per instance, and resets the controller and re-submits aborted requests when it stalls. Nothing
 * here is exported.
 */
package org.anykernel.drivers.blk.sim;
