/**
 * What device clients and device drivers share: the character-device contract ({@link org.anykernel.dev.api.CharDevice}),
 * the block-device contract ({@link org.anykernel.dev.api.BlockDevice} with its request, completion and info
 * records) and the ioctl numbers the devices answer.
 */
@Export
@Version("0.2.0")
package org.anykernel.dev.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
