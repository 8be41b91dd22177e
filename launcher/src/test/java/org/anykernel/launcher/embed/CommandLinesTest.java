package org.anykernel.launcher.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import org.junit.jupiter.api.Test;

class CommandLinesTest {
    @Test
    void splitsOnSemicolonsOutsideQuotesAndBlocks() {
        assertEquals(List.of("kernel:domains", "dev:ls"), CommandLines.split(" kernel:domains;  dev:ls ;"));
        assertEquals(List.of("echo 'a;b'", "echo \"c;\\\"d\""), CommandLines.split("echo 'a;b'; echo \"c;\\\"d\""));
        assertEquals(List.of("each [1 2] { echo $it; echo x }", "lb"), CommandLines.split("each [1 2] { echo $it; echo x }; lb"));
        assertEquals(List.of(), CommandLines.split(" ; ;"));
    }

    @Test
    void findsTheScopeAndFunction() {
        assertArrayEquals(new String[] {"kernel", "domains"}, CommandLines.scopedName(" kernel:domains -v"));
        assertNull(CommandLines.scopedName("lb"));
        assertNull(CommandLines.scopedName("echo a:b"));
    }
}
