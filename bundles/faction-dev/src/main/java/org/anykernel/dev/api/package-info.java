/** What device clients and device drivers share: the character-device contract and its ioctl numbers. */
@Export
@Version("0.1.0")
package org.anykernel.dev.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
