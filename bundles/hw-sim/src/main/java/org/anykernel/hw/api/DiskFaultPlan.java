package org.anykernel.hw.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Faults a disk controller injects, applied with {@link DiskController#faults(DiskFaultPlan)}, which replaces
 * the previous plan ({@link #NONE} clears it). Everything is deterministic: where randomness is used (which bits
 * a corrupt read flips) it comes from {@code seed}.
 *
 * <p>Standing faults hold as long as the plan is in force: {@code eio}, {@code corrupt}, {@code tornWriteSectors}.
 * Counted faults count the requests the device executes from the moment the plan is applied (1 is the next one):
 * {@code eioOnRequest}, {@code corruptOnRequest}, {@code hangOnRequest}: transient faults, which a request tried
 * again does not meet. Immediate faults act when the plan is applied: {@code hang},
 * {@code powerCut}.
 *
 * @param eio              READ, WRITE and DISCARD requests touching one of these ranges complete with EIO and have
 *                         no effect
 * @param eioOnRequest     the Nth request executed completes with EIO and has no effect (0: none)
 * @param corrupt          READs return the sectors of these ranges with one bit flipped in each (status OK; the
 *                         stored data is unchanged; the completion's guard is the stored data's, so a driver that
 *                         checks it sees the damage)
 * @param corruptOnRequest the Nth request executed, if a READ, returns its data with one bit flipped in each sector
 *                         (damaged on the way, as above) (0: none)
 * @param tornWriteSectors WRITEs of more than this many sectors are torn: only their first
 *                         {@code tornWriteSectors} sectors reach the cache, and they complete with EIO (-1: off)
 * @param hang             the device stops now: it executes no request and posts no completion until
 *                         {@link DiskController#reset()}
 * @param hangOnRequest    the device hangs when it reaches the Nth request (that one is not executed) (0: never)
 * @param powerCut         power is cut now: every write not yet flushed (the whole volatile write cache) is lost;
 *                         queued requests stay queued (the device "comes back" at once)
 * @param seed             seeds the random choices
 *
 * <p>As text ({@link #parse}): comma-separated items, any subset, e.g. {@code eio=100+2,eio-on=3,corrupt=4+2,
 * corrupt-on=5,torn=2,hang-on=9,seed=7}, or the immediate faults {@code hang} and {@code power-cut}; a range is
 * {@code FIRST+COUNT} (or one sector); {@code none} is {@link #NONE}.
 */
public record DiskFaultPlan(List<Range> eio, long eioOnRequest, List<Range> corrupt, long corruptOnRequest,
        int tornWriteSectors, boolean hang, long hangOnRequest, boolean powerCut, long seed) {

    /** No faults. */
    public static final DiskFaultPlan NONE = new DiskFaultPlan(List.of(), 0, List.of(), 0, -1, false, 0, false, 0);

    /**
     * A range of sectors.
     *
     * @param first the first sector
     * @param count how many (at least 1)
     */
    public record Range(long first, long count) {

        public Range {
            if (first < 0 || count < 1) {
                throw new IllegalArgumentException("sector range " + first + "+" + count + ": first >= 0 and count >= 1 required");
            }
        }

        /** Whether this range and {@code [sector, sector + n)} share a sector. */
        public boolean overlaps(long sector, long n) {
            return sector < first + count && first < sector + n;
        }

        /** Whether the range holds {@code sector}. */
        public boolean contains(long sector) {
            return sector >= first && sector < first + count;
        }
    }

    public DiskFaultPlan {
        eio = List.copyOf(eio);
        corrupt = List.copyOf(corrupt);
        if (eioOnRequest < 0 || corruptOnRequest < 0 || hangOnRequest < 0 || tornWriteSectors < -1) {
            throw new IllegalArgumentException("fault plan: eioOnRequest, corruptOnRequest, hangOnRequest >= 0 and "
                    + "tornWriteSectors >= -1 required");
        }
    }

    private static final String KEYS = "eio=FIRST+COUNT, eio-on=N, corrupt=FIRST+COUNT, corrupt-on=N, torn=SECTORS, hang, "
            + "hang-on=N, power-cut, seed=N, none";

    /**
     * Parses the text form (see the class documentation); null, blank or {@code none} is {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the bad item, e.g. {@code 'eio-on=x': x is not a whole number}
     */
    public static DiskFaultPlan parse(String text) {
        if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("none")) {
            return NONE;
        }
        Builder b = builder();
        for (String raw : text.split(",", -1)) {
            String item = raw.strip();
            if (item.isEmpty()) {
                throw new IllegalArgumentException("'" + text.strip() + "': empty item (items are separated by commas)");
            }
            int eq = item.indexOf('=');
            String key = (eq < 0 ? item : item.substring(0, eq)).strip().toLowerCase(java.util.Locale.ROOT);
            String value = eq < 0 ? null : item.substring(eq + 1).strip();
            boolean flag = key.equals("hang") || key.equals("power-cut");
            if (flag != (value == null)) {
                throw new IllegalArgumentException("'" + item + "': " + (flag ? key + " takes no value" : "not key=value")
                        + " (items: " + KEYS + ")");
            }
            switch (key) {
                case "eio" -> {
                    Range r = range(item, value);
                    b.eioAt(r.first(), r.count());
                }
                case "corrupt" -> {
                    Range r = range(item, value);
                    b.corruptReadsAt(r.first(), r.count());
                }
                case "eio-on" -> b.eioOnRequest(count(item, value));
                case "corrupt-on" -> b.corruptOnRequest(count(item, value));
                case "hang-on" -> b.hangOnRequest(count(item, value));
                case "torn" -> b.tornWrites((int) Math.min(Integer.MAX_VALUE, number(item, value)));
                case "seed" -> b.seed(number(item, value));
                case "hang" -> b.hang();
                case "power-cut" -> b.powerCut();
                default -> throw new IllegalArgumentException("'" + item + "': unknown item " + key + " (items: " + KEYS
                        + ")");
            }
        }
        return b.build();
    }

    private static long number(String item, String value) {
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("'" + item + "': " + value + " is not a whole number >= 0");
    }

    private static long count(String item, String value) {
        long n = number(item, value);
        if (n == 0) {
            throw new IllegalArgumentException("'" + item + "': requests are counted from 1 (the next one)");
        }
        return n;
    }

    private static Range range(String item, String value) {
        int plus = value.indexOf('+');
        long first = number(item, plus < 0 ? value : value.substring(0, plus));
        long count = plus < 0 ? 1 : number(item, value.substring(plus + 1));
        if (count < 1) {
            throw new IllegalArgumentException("'" + item + "': a range has at least one sector");
        }
        return new Range(first, count);
    }

    /** A builder, starting from no faults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link DiskFaultPlan}. */
    public static final class Builder {
        private final List<Range> eio = new ArrayList<>();
        private long eioOnRequest;
        private final List<Range> corrupt = new ArrayList<>();
        private long corruptOnRequest;
        private int tornWriteSectors = -1;
        private boolean hang;
        private long hangOnRequest;
        private boolean powerCut;
        private long seed;

        private Builder() {
        }

        /** EIO for requests touching {@code count} sectors from {@code first}. */
        public Builder eioAt(long first, long count) {
            eio.add(new Range(first, count));
            return this;
        }

        /** EIO for the Nth request executed from now (1: the next one). */
        public Builder eioOnRequest(long n) {
            eioOnRequest = n;
            return this;
        }

        /** Flip a bit in each of these sectors when they are read. */
        public Builder corruptReadsAt(long first, long count) {
            corrupt.add(new Range(first, count));
            return this;
        }

        /** Damage the data of the Nth request executed from now (1: the next one), if it is a READ. */
        public Builder corruptOnRequest(long n) {
            corruptOnRequest = n;
            return this;
        }

        /** WRITEs longer than {@code keptSectors} keep only their first {@code keptSectors} sectors and fail with EIO. */
        public Builder tornWrites(int keptSectors) {
            if (keptSectors < 0) {
                throw new IllegalArgumentException("tornWrites: keptSectors >= 0 required");
            }
            tornWriteSectors = keptSectors;
            return this;
        }

        /** Hang now, until reset. */
        public Builder hang() {
            hang = true;
            return this;
        }

        /** Hang when the Nth request from now is reached (1: the next one), until reset. */
        public Builder hangOnRequest(long n) {
            hangOnRequest = n;
            return this;
        }

        /** Cut the power now: unflushed writes are lost. */
        public Builder powerCut() {
            powerCut = true;
            return this;
        }

        /** The seed of the random choices. */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public DiskFaultPlan build() {
            return new DiskFaultPlan(eio, eioOnRequest, corrupt, corruptOnRequest, tornWriteSectors, hang, hangOnRequest, powerCut, seed);
        }
    }
}
