/**
 * The simulated hardware's register-level interfaces, as drivers see them: the console UART
 * ({@link org.anykernel.hw.api.ConsolePort}), the disk controller
 * ({@link org.anykernel.hw.api.DiskController} with its request, completion, fault-plan and statistics
 * records) and the Ethernet NIC ({@link org.anykernel.hw.api.NicController} with
 * {@link org.anykernel.hw.api.NicStats} and {@link org.anykernel.hw.api.WireFaultPlan}); {@link
 * org.anykernel.hw.api.SimHardware} opens these devices without OSGi. Depends on nothing of the kernel: hw-sim is the machine, not the kernel.
 */
@Export
@Version("0.2.0")
package org.anykernel.hw.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
