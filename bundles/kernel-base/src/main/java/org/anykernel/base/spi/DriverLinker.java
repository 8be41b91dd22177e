package org.anykernel.base.spi;

/**
 * How a driver links into a kernel without OSGi, the way a rump kernel's components are linked straight into a
 * program: each driver jar names one implementation in {@code META-INF/services/org.anykernel.base.spi.DriverLinker};
 * {@link org.anykernel.base.api.Standalone} finds it by {@link #driver()} name and calls {@link #link} with what the
 * driver's components would otherwise get from Declarative Services. The same component classes run in both
 * worlds: only their wiring differs.
 */
public interface DriverLinker {

    /** The driver's name, as its bundle's {@code Anykernel-Driver} header says ({@code "fs-ext2"}). */
    String driver();

    /** Makes the driver's services (private instances) and registers them with {@code ctx}. */
    void link(LinkContext ctx);
}
