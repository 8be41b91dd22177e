package org.anykernel.base.api;

/**
 * Call statistics of one domain's fronts.
 *
 * @param domain     the domain
 * @param calls      calls made
 * @param errors     calls that ended in an error (errno or fault)
 * @param faults     calls that ended in a driver fault
 * @param p50Nanos   median call latency (sampled)
 * @param p99Nanos   99th percentile call latency (sampled)
 */
public record DomainStats(String domain, long calls, long errors, long faults, long p50Nanos, long p99Nanos) {
}
