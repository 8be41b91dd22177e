/**
 * What drivers, factions and hosts use: the hypercall interface, open files and name spaces, processes and
 * descriptor tables, the syscall table, kernel memory and threads, and the faction attachment points.
 */
@Export
@Version("0.1.0")
package org.anykernel.base.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
