package org.anykernel.hw.internal;

import java.util.Map;

/**
 * Reading hw-sim's ConfigAdmin configurations ({@code hw.disk~NAME}, {@code hw.nic~NAME}): the device's name from
 * the factory PID, and whole numbers within bounds, with {@link IllegalArgumentException}s naming the field.
 */
final class ConfigValues {
    private ConfigValues() {
    }

    /**
     * The device's name: the {@code name} property if given, else {@code NAME} of the configuration's PID
     * {@code FACTORY~NAME}, else the PID itself, else {@code factoryPid}.
     */
    static String nameOf(Map<String, ?> props, String factoryPid) {
        Object n = props.get("name");
        if (n != null && !n.toString().isBlank()) {
            return n.toString().trim();
        }
        Object pid = props.get("service.pid");
        if (pid == null) {
            return factoryPid;
        }
        String s = pid.toString();
        int tilde = s.indexOf('~');
        return tilde >= 0 ? s.substring(tilde + 1) : s;
    }

    /** The whole number under {@code key} (a number or its text), {@code dflt} if absent, within [min, max]. */
    static long number(Map<String, ?> p, String key, long dflt, long min, long max) {
        Object v = p.get(key);
        if (v == null) {
            return dflt;
        }
        long n;
        if (v instanceof Number num && !(v instanceof Double || v instanceof Float)) {
            n = num.longValue();
        } else {
            try {
                n = Long.parseLong(v.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": '" + v + "' is not a whole number");
            }
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + ": " + n + " is out of range [" + min + ", " + max + "]");
        }
        return n;
    }
}
