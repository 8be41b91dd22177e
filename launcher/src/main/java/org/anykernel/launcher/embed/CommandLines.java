package org.anykernel.launcher.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits the text given to {@code --exec} into commands, so that each one's output and failure can be told
 * apart: on {@code ;} outside quotes and outside Gogo's {@code {}}, {@code ()} and {@code []}.
 */
public final class CommandLines {
    private static final Pattern SCOPED = Pattern.compile("([\\w.-]+):([\\w.-]+)");

    private CommandLines() {
    }

    /** The commands, trimmed, empty ones dropped. */
    public static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\' && quote == '"' && i + 1 < text.length()) {
                    cur.append(c).append(text.charAt(++i));
                    continue;
                }
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '{' || c == '(' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ')' || c == ']') && depth > 0) {
                depth--;
            } else if (c == ';' && depth == 0) {
                add(out, cur);
                continue;
            }
            cur.append(c);
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        String s = cur.toString().strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
        cur.setLength(0);
    }

    /**
     * The {@code scope} and {@code function} a command starts with, when written {@code scope:function},
     * else {@code null}.
     */
    static String[] scopedName(String command) {
        String first = command.strip().split("\\s+", 2)[0];
        Matcher m = SCOPED.matcher(first);
        return m.matches() ? new String[] {m.group(1), m.group(2)} : null;
    }
}
