package org.anykernel.launcher;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The variables of a profile and their substitution into configuration values and framework properties.
 *
 * <p>Values keep the JSON type the feature gave their default ({@code Boolean}, numbers as {@code Long} or
 * {@code Double}, {@code String}, or {@code null} for "must be given"), so a value that is exactly
 * {@code ${name}} is replaced by a value of that type, while {@code ${name}} inside a longer string is
 * replaced by its text. Overrides from the command line are converted to the default's type.
 */
final class Variables {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]+)}");

    private final Map<String, Object> values;

    private Variables(Map<String, Object> values) {
        this.values = values;
    }

    /** Variables with these defaults, as the feature service gave them (numbers as {@code BigDecimal}). */
    static Variables of(Map<String, Object> defaults) {
        Map<String, Object> v = new LinkedHashMap<>();
        defaults.forEach((name, value) -> v.put(name, normalise(value)));
        return new Variables(v);
    }

    /** The variables, in declaration order. */
    Map<String, Object> values() {
        return Collections.unmodifiableMap(values);
    }

    /** These and then {@code later}'s, which win. */
    Variables merge(Variables later) {
        Map<String, Object> v = new LinkedHashMap<>(values);
        v.putAll(later.values);
        return new Variables(v);
    }

    /**
     * These with some values replaced, each converted to the type of the default it replaces.
     *
     * @throws ProfileException for a name the profile does not define or a value of the wrong type
     */
    Variables override(Map<String, String> overrides) {
        Map<String, Object> v = new LinkedHashMap<>(values);
        overrides.forEach((name, text) -> {
            if (!v.containsKey(name)) {
                throw ProfileException.invalid("unknown variable '" + name + "' (profile defines: "
                        + (v.isEmpty() ? "none" : String.join(", ", v.keySet())) + ")");
            }
            v.put(name, convert(name, v.get(name), text));
        });
        return new Variables(v);
    }

    /**
     * A configuration value with its variables substituted; string arrays and collections element by
     * element. Other types are returned as they are.
     *
     * @param where names the value in an error, e.g. {@code configuration 'hw.console' key 'echo'}
     * @throws ProfileException for a variable that is not defined or has no value
     */
    Object substitute(Object value, String where) {
        if (value instanceof String s) {
            Matcher whole = REFERENCE.matcher(s);
            if (whole.matches()) {
                return valueOf(whole.group(1), where);
            }
            return substituteText(s, where, false);
        }
        if (value instanceof String[] in) {
            String[] out = new String[in.length];
            for (int i = 0; i < in.length; i++) {
                out[i] = substituteText(in[i], where, false);
            }
            return out;
        }
        if (value instanceof Collection<?> c) {
            return c.stream().map(e -> e instanceof String s ? substituteText(s, where, false) : e).toList();
        }
        return value;
    }

    /**
     * A framework property with the variables this profile defines substituted. Other {@code ${...}}
     * references stay, for the framework to fill from system properties.
     */
    String substituteProperty(String value, String where) {
        return substituteText(value, where, true);
    }

    private String substituteText(String s, String where, boolean keepUnknown) {
        Matcher m = REFERENCE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = keepUnknown && !values.containsKey(name) ? m.group() : text(valueOf(name, where));
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private Object valueOf(String name, String where) {
        if (!values.containsKey(name)) {
            throw ProfileException.invalid(where + " uses undefined variable '" + name + "'");
        }
        Object v = values.get(name);
        if (v == null) {
            throw ProfileException.invalid(where + " uses variable '" + name + "', which has no value: set it with -V "
                    + name + "=VALUE");
        }
        return v;
    }

    private static String text(Object value) {
        return String.valueOf(value);
    }

    private static Object convert(String name, Object template, String text) {
        if (template instanceof Boolean) {
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.valueOf(text);
            }
            throw ProfileException.invalid("variable '" + name + "' expects true or false, got '" + text + "'");
        }
        if (template instanceof Number) {
            try {
                return normalise(new BigDecimal(text.trim()));
            } catch (NumberFormatException e) {
                throw ProfileException.invalid("variable '" + name + "' expects a number, got '" + text + "'");
            }
        }
        return text;
    }

    /** JSON numbers as {@code Long} when whole, else {@code Double}: the types configurations use. */
    private static Object normalise(Object value) {
        if (value instanceof BigDecimal d) {
            try {
                return d.longValueExact();
            } catch (ArithmeticException notWhole) {
                return d.doubleValue();
            }
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        return value;
    }
}
