package org.anykernel.base.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ServiceSetTest {

    @Test
    void keepsServicesOfItsTypeByName() {
        ServiceSet<CharSequence> set = new ServiceSet<>(CharSequence.class, "name");
        StringBuilder a = new StringBuilder("a");
        set.bind(new KernelServiceRef(a, Map.of("name", "first")));
        set.bind(new KernelServiceRef(List.of(), Map.of("name", "wrong type")));
        set.bind(new KernelServiceRef(new StringBuilder(), Map.of("other", "no name")));
        assertSame(a, set.get("first"));
        assertEquals(1, set.all().size());
        set.unbind(new KernelServiceRef(a, Map.of()));
        assertNull(set.get("first"));
        set.bind(new KernelServiceRef(a, Map.of("name", "again")));
        set.close();
        assertEquals(Map.of(), set.all());
    }
}
