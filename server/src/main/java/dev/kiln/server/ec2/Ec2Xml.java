package dev.kiln.server.ec2;

import dev.kiln.core.machine.MachineImage;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * EC2's XML answers, with the element names of the model (botocore's {@code ec2} protocol reads them
 * by location name: {@code imagesSet/item}, {@code imageOwnerId}, {@code isPublic}, ...).
 */
final class Ec2Xml {
    static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";
    static final String PLATFORM_DETAILS = "Linux/UNIX";
    private static final DateTimeFormatter CREATION_DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final StringBuilder out = new StringBuilder();

    private Ec2Xml() {
    }

    /** An answer {@code <ActionResponse xmlns=...><requestId>...</requestId>...}; close it with {@link #end}. */
    static Ec2Xml response(String action, String requestId) {
        Ec2Xml xml = new Ec2Xml();
        xml.out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<").append(action).append("Response xmlns=\"")
                .append(NAMESPACE).append("\">");
        xml.element("requestId", requestId);
        return xml;
    }

    String end(String action) {
        out.append("</").append(action).append("Response>");
        return out.toString();
    }

    static String error(String code, String message, String requestId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + escape(code)
                + "</Code><Message>" + escape(message) + "</Message></Error></Errors><RequestID>" + escape(requestId)
                + "</RequestID></Response>";
    }

    Ec2Xml open(String name) {
        out.append('<').append(name).append('>');
        return this;
    }

    Ec2Xml close(String name) {
        out.append("</").append(name).append('>');
        return this;
    }

    /** {@code <name>value</name>}; nothing for a null value. */
    Ec2Xml element(String name, Object value) {
        if (value != null) {
            open(name);
            out.append(escape(value.toString()));
            close(name);
        }
        return this;
    }

    Ec2Xml images(List<MachineImage> images) {
        open("imagesSet");
        for (MachineImage image : images) {
            open("item");
            image(image);
            close("item");
        }
        return close("imagesSet");
    }

    private void image(MachineImage i) {
        boolean kilnOwned = ImageAccess.KILN_OWNER.equals(i.ownerId());
        element("imageId", i.imageId());
        element("imageLocation", (kilnOwned ? "amazon" : i.ownerId()) + "/" + i.name());
        element("imageState", i.state());
        element("imageOwnerId", i.ownerId());
        element("creationDate", CREATION_DATE.format(i.creationDate()));
        element("isPublic", ImageAccess.isPublic(i));
        element("architecture", i.architecture());
        element("imageType", "machine");
        if (kilnOwned) {
            element("imageOwnerAlias", "amazon");
        }
        element("name", i.name());
        element("description", i.description());
        element("rootDeviceType", "ebs");
        element("rootDeviceName", "/dev/xvda");
        open("blockDeviceMapping").open("item");
        element("deviceName", "/dev/xvda");
        open("ebs");
        element("snapshotId", "snap-" + i.imageId().substring(4));
        element("volumeSize", i.rootVolumeSizeGiB());
        element("deleteOnTermination", true);
        element("volumeType", "gp3");
        element("encrypted", false);
        close("ebs").close("item").close("blockDeviceMapping");
        element("virtualizationType", "hvm");
        if (!i.tags().isEmpty()) {
            tags(i.tags());
        }
        element("hypervisor", "xen");
        element("enaSupport", true);
        element("platformDetails", PLATFORM_DETAILS);
        element("usageOperation", "RunInstances");
        element("bootMode", "legacy-bios");
    }

    private void tags(Map<String, String> tags) {
        open("tagSet");
        new TreeMap<>(tags).forEach((key, value) -> {
            open("item");
            element("key", key);
            element("value", value);
            close("item");
        });
        close("tagSet");
    }

    /** {@code <launchPermission>} with the image's group {@code all} and user ids. */
    Ec2Xml launchPermissions(MachineImage image) {
        open("launchPermission");
        if (image.publicLaunch()) {
            open("item").element("group", "all").close("item");
        }
        for (String user : new TreeSet<>(image.launchUserIds())) {
            open("item").element("userId", user).close("item");
        }
        return close("launchPermission");
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
                        b.append(' '); // not allowed in XML 1.0
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
