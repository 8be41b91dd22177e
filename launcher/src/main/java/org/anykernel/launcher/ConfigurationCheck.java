package org.anykernel.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleRevision;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Checks a composition's configurations against its bundles, before anything boots:
 * <ul>
 * <li>every PID (the factory PID of {@code factory~name}) is taken by something in the kernel: a Declarative
 * Services component's {@code configuration-pid} (from the component XML the bundle lists), or a PID a bundle
 * declares in its {@value #HEADER} header (kernel-base takes domain descriptors and library kernels so);</li>
 * <li>where the bundle describes the PID with OSGi Metatype, every key is one it knows, every value has its
 * type and is one of its options, and every required key without a default is there;</li>
 * <li>every domain names only drivers that are in the kernel ({@code Anykernel-Driver} headers).</li>
 * </ul>
 * Each failure is one line naming the PID and the key.
 */
final class ConfigurationCheck {
    /** Manifest header listing the PIDs a bundle takes configurations for outside Declarative Services. */
    static final String HEADER = "Anykernel-Configurations";
    /** Manifest header of a driver bundle: its name in domain descriptors. */
    static final String DRIVER_HEADER = "Anykernel-Driver";

    /** What a bundle says of one attribute. */
    private record Attribute(String id, String type, boolean required, boolean hasDefault, List<String> options) {
    }

    private final Map<String, String> consumers = new LinkedHashMap<>();
    private final Map<String, Map<String, Attribute>> metatype = new LinkedHashMap<>();
    private final TreeSet<String> drivers = new TreeSet<>();

    private ConfigurationCheck() {
    }

    /** Reads what the bundles take. */
    static ConfigurationCheck of(Collection<BundleRevision> bundles) {
        ConfigurationCheck c = new ConfigurationCheck();
        for (BundleRevision r : bundles) {
            c.read(r.getBundle());
        }
        return c;
    }

    private void read(Bundle b) {
        String bsn = b.getSymbolicName();
        String driver = b.getHeaders("").get(DRIVER_HEADER);
        if (driver != null) {
            drivers.add(driver.trim());
        }
        String own = b.getHeaders("").get(HEADER);
        if (own != null) {
            for (String pid : own.split(",")) {
                consumers.putIfAbsent(pid.trim(), bsn);
            }
        }
        String components = b.getHeaders("").get("Service-Component");
        if (components != null) {
            for (String path : components.split(",")) {
                for (Element e : elements(b, path.trim(), "component")) {
                    String pids = e.getAttribute("configuration-pid");
                    if (pids.isEmpty()) {
                        pids = e.getAttribute("name");
                    }
                    for (String pid : pids.trim().split("\\s+")) {
                        consumers.putIfAbsent(pid.startsWith("$") ? e.getAttribute("name") : pid, bsn);
                    }
                }
            }
        }
        Enumeration<String> paths = b.getEntryPaths("OSGI-INF/metatype/");
        if (paths != null) {
            for (String path : java.util.Collections.list(paths)) {
                if (path.endsWith(".xml")) {
                    readMetatype(b, path);
                }
            }
        }
    }

    private void readMetatype(Bundle b, String path) {
        Map<String, Map<String, Attribute>> ocds = new LinkedHashMap<>();
        for (Element ocd : elements(b, path, "OCD")) {
            Map<String, Attribute> attrs = new LinkedHashMap<>();
            NodeList ads = ocd.getElementsByTagNameNS("*", "AD");
            for (int i = 0; i < ads.getLength(); i++) {
                Element ad = (Element) ads.item(i);
                List<String> options = new ArrayList<>();
                NodeList opts = ad.getElementsByTagNameNS("*", "Option");
                for (int j = 0; j < opts.getLength(); j++) {
                    options.add(((Element) opts.item(j)).getAttribute("value"));
                }
                attrs.put(ad.getAttribute("id"), new Attribute(ad.getAttribute("id"), ad.getAttribute("type"),
                        !"false".equals(ad.getAttribute("required")), ad.hasAttribute("default"), options));
            }
            ocds.put(ocd.getAttribute("id"), attrs);
        }
        for (Element d : elements(b, path, "Designate")) {
            String pid = d.getAttribute("factoryPid").isEmpty() ? d.getAttribute("pid") : d.getAttribute("factoryPid");
            NodeList objects = d.getElementsByTagNameNS("*", "Object");
            if (objects.getLength() > 0) {
                Map<String, Attribute> attrs = ocds.get(((Element) objects.item(0)).getAttribute("ocdref"));
                if (attrs != null) {
                    metatype.put(pid, attrs);
                }
            }
        }
    }

    /** The elements with this local name in a bundle's XML entry (none when it is missing or not XML). */
    private static List<Element> elements(Bundle b, String path, String localName) {
        URL url = b.getEntry(path);
        List<Element> out = new ArrayList<>();
        if (url == null) {
            return out;
        }
        try (InputStream in = url.openStream()) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setExpandEntityReferences(false);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder builder = f.newDocumentBuilder();
            Document doc = builder.parse(in);
            NodeList list = doc.getElementsByTagNameNS("*", localName);
            for (int i = 0; i < list.getLength(); i++) {
                out.add((Element) list.item(i));
            }
        } catch (IOException | SAXException | ParserConfigurationException e) {
            throw ProfileException.invalid("bundle " + b.getSymbolicName() + ": " + path + " does not read: " + e.getMessage());
        }
        return out;
    }

    /** The drivers in the kernel, sorted. */
    TreeSet<String> drivers() {
        return drivers;
    }

    /** Whether some bundle takes configurations of this PID (a factory PID for {@code factory~name}). */
    boolean takes(String pid) {
        return consumers.containsKey(factoryPid(pid));
    }

    static String factoryPid(String pid) {
        int tilde = pid.indexOf('~');
        return tilde < 0 ? pid : pid.substring(0, tilde);
    }

    /**
     * Checks every configuration (values with variables substituted).
     *
     * @param fix what to tell the user when nothing takes a PID: the feature to add, or empty
     * @throws ProfileException of kind {@code INVALID}, one line
     */
    void check(Map<String, Map<String, Object>> configurations, java.util.function.Function<String, String> fix) {
        configurations.forEach((pid, values) -> {
            String factory = factoryPid(pid);
            if (!consumers.containsKey(factory)) {
                String f = fix.apply(factory);
                throw ProfileException.invalid("configuration " + pid + " is for no component in this kernel: "
                        + (f == null ? "no bundle takes " + factory : "add the feature " + f));
            }
            Map<String, Attribute> attrs = metatype.get(factory);
            if (attrs != null) {
                checkValues(pid, values, attrs);
            }
            if (factory.equals(Profile.DOMAIN_FACTORY_PID)) {
                checkDomain(pid, values);
            }
        });
    }

    private static void checkValues(String pid, Map<String, Object> values, Map<String, Attribute> attrs) {
        for (Map.Entry<String, Object> e : values.entrySet()) {
            Attribute a = attrs.get(e.getKey());
            if (a == null) {
                throw ProfileException.invalid("configuration " + pid + ": unknown key '" + e.getKey() + "' (known: "
                        + String.join(", ", new TreeSet<>(attrs.keySet())) + ")");
            }
            for (Object v : elementsOf(e.getValue())) {
                String text = String.valueOf(v);
                String problem = typeProblem(a.type(), text);
                if (problem != null) {
                    throw ProfileException.invalid("configuration " + pid + ": key '" + a.id() + "': '" + text + "' " + problem);
                }
                if (!a.options().isEmpty() && !a.options().contains(text)) {
                    throw ProfileException.invalid("configuration " + pid + ": key '" + a.id() + "': '" + text
                            + "' is not one of " + String.join(", ", a.options()));
                }
            }
        }
        for (Attribute a : attrs.values()) {
            if (a.required() && !a.hasDefault() && !values.containsKey(a.id())) {
                throw ProfileException.invalid("configuration " + pid + ": missing key '" + a.id() + "'");
            }
        }
    }

    private static List<Object> elementsOf(Object v) {
        if (v instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        if (v != null && v.getClass().isArray()) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < java.lang.reflect.Array.getLength(v); i++) {
                out.add(java.lang.reflect.Array.get(v, i));
            }
            return out;
        }
        return List.of(v);
    }

    private static String typeProblem(String type, String text) {
        try {
            switch (type) {
                case "Long", "Integer", "Short", "Byte" -> Long.parseLong(text.trim());
                case "Double", "Float" -> Double.parseDouble(text.trim());
                case "Boolean" -> {
                    if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                        return "is not true or false";
                    }
                }
                case "Char", "Character" -> {
                    if (text.length() != 1) {
                        return "is not one character";
                    }
                }
                default -> {
                    // String, Password: anything
                }
            }
            return null;
        } catch (NumberFormatException e) {
            return "is not a " + (type.equals("Double") || type.equals("Float") ? "number" : "whole number");
        }
    }

    private void checkDomain(String pid, Map<String, Object> values) {
        for (Object c : elementsOf(values.getOrDefault("components", List.of()))) {
            String name = String.valueOf(c);
            if (!drivers.contains(name)) {
                throw ProfileException.invalid("domain " + pid.substring(pid.indexOf('~') + 1) + ": component '" + name
                        + "' is no driver in this kernel (drivers: " + (drivers.isEmpty() ? "none" : String.join(", ", drivers)) + ")");
            }
        }
    }
}
