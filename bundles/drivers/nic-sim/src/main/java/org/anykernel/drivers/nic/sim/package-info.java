/**
 * The driver of hw-sim's Ethernet NIC: {@link org.anykernel.drivers.nic.sim.NicSimDriver} registers one
 * {@code NetworkDriver} per NIC (and {@link org.anykernel.drivers.nic.sim.NicSimLinker} links it on a plain class
 * path); each is a {@link org.anykernel.drivers.nic.sim.SimNetworkDriver} that moves frames between the NIC's rings
 * and the network faction. Nothing here is exported.
 */
package org.anykernel.drivers.nic.sim;
