/** {@code anyk chaos}: fault injection under a verifying file workload. */
package org.anykernel.launcher.chaos;
