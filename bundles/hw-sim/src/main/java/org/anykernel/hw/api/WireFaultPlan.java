package org.anykernel.hw.api;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Faults of a wire, applied to each frame independently from a seeded random source (so a run can be repeated):
 * probabilities of dropping, corrupting (one byte flipped), duplicating and reordering (held back behind the next
 * frame) a frame, a delay with jitter, and a cut link.
 *
 * <p>As text ({@link #parse}, {@link #toString}): comma-separated {@code key=value} items, any subset, in any order,
 * e.g. {@code drop=0.01,corrupt=0.001,duplicate=0.01,reorder=0.01,delay=2ms,jitter=1ms,link=down,seed=7}. The
 * probabilities are numbers in [0, 1]; {@code delay} and {@code jitter} are durations with a unit ({@code ns},
 * {@code us}, {@code ms} or {@code s}; {@code 0} needs none); {@code link} is {@code up} or {@code down};
 * {@code seed} is a whole number. The empty text, and {@code none}, is {@link #NONE}.
 *
 * @param drop      probability that a frame is lost
 * @param corrupt   probability that one byte of a frame is changed
 * @param duplicate probability that a frame is delivered twice
 * @param reorder   probability that a frame is delivered after the one that follows it
 * @param delayNanos delay added to every frame
 * @param jitterNanos up to this much more delay, uniformly
 * @param linkDown  the link is cut: nothing passes
 * @param seed      seed of the random source
 */
public record WireFaultPlan(double drop, double corrupt, double duplicate, double reorder, long delayNanos,
        long jitterNanos, boolean linkDown, long seed) {
    /** No faults. */
    public static final WireFaultPlan NONE = new WireFaultPlan(0, 0, 0, 0, 0, 0, false, 0);

    private static final String KEYS = "drop, corrupt, duplicate, reorder, delay, jitter, link, seed";

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException a probability outside [0, 1], or a negative delay or jitter
     */
    public WireFaultPlan {
        probability("drop", drop);
        probability("corrupt", corrupt);
        probability("duplicate", duplicate);
        probability("reorder", reorder);
        if (delayNanos < 0 || jitterNanos < 0) {
            throw new IllegalArgumentException("wire fault plan: delay and jitter must be 0 or more");
        }
    }

    private static void probability(String key, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("wire fault plan: " + key + ": " + p + " is not a probability in [0, 1]");
        }
    }

    /** Whether this plan does nothing to frames (it may still have a seed). */
    public boolean isNone() {
        return drop == 0 && corrupt == 0 && duplicate == 0 && reorder == 0 && delayNanos == 0 && jitterNanos == 0
                && !linkDown;
    }

    /**
     * Parses the text form (see the class documentation); null, blank or {@code none} is {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the bad item, e.g. {@code 'drop=x': x is not a probability in [0, 1]}
     */
    public static WireFaultPlan parse(String text) {
        if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("none")) {
            return NONE;
        }
        double drop = 0;
        double corrupt = 0;
        double duplicate = 0;
        double reorder = 0;
        long delay = 0;
        long jitter = 0;
        boolean down = false;
        long seed = 0;
        Set<String> seen = new HashSet<>();
        for (String raw : text.split(",", -1)) {
            String item = raw.trim();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("'" + text.trim() + "': empty item (items are key=value, separated by commas)");
            }
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("'" + item + "': not key=value (keys: " + KEYS + ")");
            }
            String key = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = item.substring(eq + 1).trim();
            if (!seen.add(key)) {
                throw new IllegalArgumentException("'" + item + "': " + key + " given twice");
            }
            switch (key) {
                case "drop" -> drop = probability(item, value);
                case "corrupt" -> corrupt = probability(item, value);
                case "duplicate" -> duplicate = probability(item, value);
                case "reorder" -> reorder = probability(item, value);
                case "delay" -> delay = duration(item, value);
                case "jitter" -> jitter = duration(item, value);
                case "link" -> {
                    switch (value.toLowerCase(Locale.ROOT)) {
                        case "down" -> down = true;
                        case "up" -> down = false;
                        default -> throw new IllegalArgumentException("'" + item + "': " + value + " is not up or down");
                    }
                }
                case "seed" -> {
                    try {
                        seed = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("'" + item + "': " + value + " is not a whole number");
                    }
                }
                default -> throw new IllegalArgumentException("'" + item + "': unknown key " + key + " (keys: " + KEYS + ")");
            }
        }
        return new WireFaultPlan(drop, corrupt, duplicate, reorder, delay, jitter, down, seed);
    }

    private static double probability(String item, String value) {
        double p;
        try {
            p = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            p = Double.NaN;
        }
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("'" + item + "': " + value + " is not a probability in [0, 1]");
        }
        return p;
    }

    private static long duration(String item, String value) {
        String v = value.toLowerCase(Locale.ROOT).replace('\u00b5', 'u');
        long unit;
        String digits;
        if (v.endsWith("ns")) {
            unit = 1;
            digits = v.substring(0, v.length() - 2);
        } else if (v.endsWith("us")) {
            unit = 1_000;
            digits = v.substring(0, v.length() - 2);
        } else if (v.endsWith("ms")) {
            unit = 1_000_000;
            digits = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            unit = 1_000_000_000;
            digits = v.substring(0, v.length() - 1);
        } else if (v.equals("0")) {
            return 0;
        } else {
            throw new IllegalArgumentException("'" + item + "': " + value + " is not a duration (a whole number with ns, us, ms or s)");
        }
        try {
            long n = Long.parseLong(digits.trim());
            if (n < 0 || n > Long.MAX_VALUE / unit) {
                throw new NumberFormatException();
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + item + "': " + value + " is not a duration (a whole number with ns, us, ms or s)");
        }
    }

    /** The text form {@link #parse} reads back: the items that differ from {@link #NONE}, in a fixed order. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (drop != 0) {
            item(b, "drop", Double.toString(drop));
        }
        if (corrupt != 0) {
            item(b, "corrupt", Double.toString(corrupt));
        }
        if (duplicate != 0) {
            item(b, "duplicate", Double.toString(duplicate));
        }
        if (reorder != 0) {
            item(b, "reorder", Double.toString(reorder));
        }
        if (delayNanos != 0) {
            item(b, "delay", duration(delayNanos));
        }
        if (jitterNanos != 0) {
            item(b, "jitter", duration(jitterNanos));
        }
        if (linkDown) {
            item(b, "link", "down");
        }
        if (seed != 0) {
            item(b, "seed", Long.toString(seed));
        }
        return b.toString();
    }

    private static void item(StringBuilder b, String key, String value) {
        if (!b.isEmpty()) {
            b.append(',');
        }
        b.append(key).append('=').append(value);
    }

    private static String duration(long nanos) {
        if (nanos % 1_000_000_000 == 0) {
            return nanos / 1_000_000_000 + "s";
        }
        if (nanos % 1_000_000 == 0) {
            return nanos / 1_000_000 + "ms";
        }
        if (nanos % 1_000 == 0) {
            return nanos / 1_000 + "us";
        }
        return nanos + "ns";
    }
}
