/**
 * The simulated hardware's register-level interfaces, as drivers see them. Depends on nothing of the
 * kernel: hw-sim is the machine, not the kernel.
 */
@Export
@Version("0.1.0")
package org.anykernel.hw.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
