/**
 * A {@code java.nio.file} provider for {@code anyk:} URIs: unmodified Java file code ({@code Files.walk},
 * {@code Files.copy}, {@code FileChannel}, POSIX attributes, symbolic links) on a kernel's file systems, every
 * operation through the kernel's syscalls ({@link org.anykernel.base.api.Posix}).
 *
 * <pre>{@code
 * FileSystem fs = AnykFileSystems.of("k1", kernel.posix());
 * Files.writeString(fs.getPath("/tmp/hello.txt"), "hello");
 * Path p = Path.of(URI.create("anyk://k1/tmp/hello.txt"));
 * }</pre>
 */
@Export
@Version("0.1.0")
package org.anykernel.nio;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
