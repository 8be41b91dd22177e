/**
 * The simulated hardware's register-level interfaces, as drivers see them: the console UART
 * ({@link org.anykernel.hw.api.ConsolePort}) and the disk controller
 * ({@link org.anykernel.hw.api.DiskController} with its request, completion, fault-plan and statistics
 * records). Depends on nothing of the kernel: hw-sim is the machine, not the kernel.
 */
@Export
@Version("0.2.0")
package org.anykernel.hw.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
