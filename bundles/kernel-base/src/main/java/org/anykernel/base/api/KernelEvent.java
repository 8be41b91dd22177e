package org.anykernel.base.api;

/**
 * Something the kernel did or saw, as posted to EventAdmin under {@code org/anykernel/domain/*}.
 *
 * @param timeMillis wall-clock time
 * @param topic      the EventAdmin topic
 * @param domain     the domain concerned
 * @param message    one line
 */
public record KernelEvent(long timeMillis, String topic, String domain, String message) {
    /** Topic prefix of every domain event. */
    public static final String TOPIC_PREFIX = "org/anykernel/domain/";
}
