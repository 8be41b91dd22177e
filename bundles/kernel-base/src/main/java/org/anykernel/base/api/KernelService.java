package org.anykernel.base.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as a kernel service contract: a service that drivers provide and that
 * kernel-base places (colocated, isolated, library). Its methods take and return only portable
 * types: primitives, {@code String}, enums, records of portable types, {@code byte[]},
 * {@code ByteBuffer}, lists of portable types, and opaque handles. A test walks every exported
 * interface carrying this annotation and fails on any other signature.
 *
 * <p>kernel-base hides the raw services of driver bundles whose interfaces carry this annotation
 * and registers a front in their place.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface KernelService {
}
