package org.anykernel.base.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a kernel service method whose repetition has the same effect as one call (a block read, a block
 * write of given data at a given sector, a flush). When an isolated domain restarts, such calls that were
 * queued but not yet run are replayed on the restarted driver instead of failing with {@code EIO}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Idempotent {
}
