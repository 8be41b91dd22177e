package org.anykernel.hw.api;

/**
 * A disk controller's counters since it was created (a snapshot). Requests are counted when submitted; the
 * other counters when their completions are posted.
 *
 * @param requests       requests submitted (and accepted)
 * @param reads          READ completions with OK
 * @param writes         WRITE completions with OK
 * @param flushes        FLUSH completions with OK
 * @param discards       DISCARD completions with OK
 * @param sectorsRead    sectors returned by successful READs
 * @param sectorsWritten sectors taken by successful WRITEs
 * @param errors         completions with EIO, EROFS or EINVAL
 * @param aborted        completions with ABORTED
 * @param queueDepth     requests outstanding now (submitted, not yet polled)
 * @param queueDepthMax  the most requests ever outstanding at once
 */
public record DiskStats(long requests, long reads, long writes, long flushes, long discards, long sectorsRead,
        long sectorsWritten, long errors, long aborted, int queueDepth, int queueDepthMax) {
}
