/**
 * What clients of the kernel use: errors, placements and descriptors, the kernel's management view,
 * the typed syscall API and the library-kernel factory.
 */
@Export
@Version("0.2.0")
package org.anykernel.base.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
