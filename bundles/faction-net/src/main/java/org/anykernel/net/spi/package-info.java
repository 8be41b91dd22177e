/**
 * The contract between the network faction and the protocol drivers that register into its protocol switch
 * ({@link org.anykernel.net.spi.Protocol}: net-inet for {@code AF_INET}).
 */
@Export
@Version("0.1.0")
package org.anykernel.net.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
