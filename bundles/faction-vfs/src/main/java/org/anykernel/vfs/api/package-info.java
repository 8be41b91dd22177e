/** What clients and drivers of the vfs faction share. Grows with the issue that fills this faction. */
@Export
@Version("0.1.0")
package org.anykernel.vfs.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
