/** What clients and drivers of the net faction share. Grows with the issue that fills this faction. */
@Export
@Version("0.1.0")
package org.anykernel.net.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
