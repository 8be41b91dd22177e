/**
 * The standard character devices: {@code null}, {@code zero}, {@code random} (from the host's entropy
 * through the hypercall interface) and {@code console} (the hw-sim UART). Every component is
 * prototype-scoped so that a library kernel gets instances of its own. Nothing here is exported.
 */
package org.anykernel.drivers.chr.std;
