/** What clients and drivers of the vfs faction share. The file system driver contract. */
@Export
@Version("0.3.0")
package org.anykernel.vfs.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
