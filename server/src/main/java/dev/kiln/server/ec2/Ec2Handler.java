package dev.kiln.server.ec2;

import dev.kiln.core.error.ApiException;
import dev.kiln.core.machine.ImageStore;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.server.auth.SigV4Verifier;
import dev.kiln.server.auth.SignedRequest;
import dev.kiln.server.auth.VerifiedCaller;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EC2 Query API for AMIs, so that {@code aws ec2 describe-images --endpoint-url ...} works against
 * Kiln's image store: form-encoded POSTs to {@code /} signed for service {@code ec2}, answered in XML.
 * It serves DescribeImages, DescribeImageAttribute, ModifyImageAttribute, DeregisterImage and CopyImage.
 * An account sees the images it owns, those shared with it and the public ones; only the owner changes
 * or deregisters an image.
 */
public final class Ec2Handler implements Handler {
    private static final Logger LOG = LoggerFactory.getLogger(Ec2Handler.class);
    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
    private static final int MAX_BODY_BYTES = 1 << 20;

    private final SigV4Verifier verifier;
    private final ImageStore images;
    private final Set<String> regions;

    /** @param verifier a verifier for service {@code ec2} */
    public Ec2Handler(SigV4Verifier verifier, ImageStore images, Set<String> regions) {
        this.verifier = verifier;
        this.images = images;
        this.regions = Set.copyOf(regions);
    }

    /** Whether a request to {@code /} is an EC2 Query request (a form post) rather than an Image Builder one. */
    public static boolean isEc2Request(Context ctx) {
        String type = ctx.req().getContentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    @Override
    public void handle(Context ctx) {
        String requestId = UUID.randomUUID().toString();
        try {
            byte[] body = body(ctx);
            VerifiedCaller caller;
            try {
                caller = verifier.verify(new SignedRequest(ctx.method().name(), ctx.req().getRequestURI(),
                        ctx.req().getQueryString(), headers(ctx), body));
            } catch (ApiException e) {
                throw authError(e);
            }
            Ec2Form form = Ec2Form.parse(new String(body, StandardCharsets.UTF_8));
            String action = form.required("Action");
            String xml = call(action, caller, form, requestId);
            ctx.status(200).contentType("text/xml;charset=UTF-8").result(xml);
        } catch (Ec2Exception e) {
            ctx.status(e.status()).contentType("text/xml;charset=UTF-8")
                    .result(Ec2Xml.error(e.code(), e.getMessage(), requestId));
        } catch (RuntimeException | IOException e) {
            LOG.error("EC2 request {} failed", requestId, e);
            ctx.status(500).contentType("text/xml;charset=UTF-8").result(Ec2Xml.error("InternalError",
                    "Kiln failed to answer this request (request id " + requestId + "); the server log has the"
                            + " details", requestId));
        }
    }

    String call(String action, VerifiedCaller caller, Ec2Form form, String requestId) throws IOException {
        String account = caller.accountId();
        String region = caller.region();
        if (form.flag("DryRun")) {
            throw new Ec2Exception("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
        }
        switch (action) {
            case "DescribeImages" -> {
                List<MachineImage> selected = ImageQuery.of(account, form).select(images.list(region));
                return Ec2Xml.response(action, requestId).images(selected).end(action);
            }
            case "DescribeImageAttribute" -> {
                return describeAttribute(account, region, form, requestId);
            }
            case "ModifyImageAttribute" -> {
                modifyAttribute(account, region, form);
                return Ec2Xml.response(action, requestId).element("return", true).end(action);
            }
            case "DeregisterImage" -> {
                MachineImage image = owned(account, region, form.required("ImageId"));
                images.deregister(region, image.imageId());
                return Ec2Xml.response(action, requestId).element("return", true).end(action);
            }
            case "CopyImage" -> {
                String imageId = copy(account, region, form);
                return Ec2Xml.response(action, requestId).element("imageId", imageId).end(action);
            }
            default -> throw new Ec2Exception("InvalidAction", "The action " + action
                    + " is not valid for this web service. Kiln answers DescribeImages, DescribeImageAttribute,"
                    + " ModifyImageAttribute, DeregisterImage and CopyImage.");
        }
    }

    /** The image if the caller may use it; EC2 answers NotFound for an image the caller cannot see. */
    private MachineImage usable(String account, String region, String imageId) {
        ImageQuery.checkImageId(imageId);
        return images.find(region, imageId).filter(i -> ImageAccess.usableBy(i, account))
                .orElseThrow(() -> Ec2Exception.notFound(imageId));
    }

    private MachineImage owned(String account, String region, String imageId) {
        MachineImage image = usable(account, region, imageId);
        if (!image.ownerId().equals(account)) {
            throw Ec2Exception.notAuthorized(imageId);
        }
        return image;
    }

    private String describeAttribute(String account, String region, Ec2Form form, String requestId) {
        String action = "DescribeImageAttribute";
        String attribute = form.required("Attribute");
        MachineImage image = usable(account, region, form.required("ImageId"));
        Ec2Xml xml = Ec2Xml.response(action, requestId).element("imageId", image.imageId());
        switch (attribute) {
            case "launchPermission" -> {
                if (!image.ownerId().equals(account)) {
                    throw Ec2Exception.notAuthorized(image.imageId());
                }
                xml.launchPermissions(image);
            }
            case "description" -> xml.open("description").element("value", image.description()).close("description");
            case "bootMode" -> xml.open("bootMode").element("value", "legacy-bios").close("bootMode");
            default -> throw Ec2Exception.invalidValue("Value (" + attribute + ") for parameter attribute is invalid."
                    + " Kiln answers launchPermission, description and bootMode.");
        }
        return xml.end(action);
    }

    private void modifyAttribute(String account, String region, Ec2Form form) throws IOException {
        MachineImage image = owned(account, region, form.required("ImageId"));
        String attribute = form.get("Attribute").orElse("");
        String description = form.get("Description.Value")
                .orElse(attribute.equals("description") ? form.get("Value").orElse(null) : null);
        if (description != null) {
            images.update(withPermissions(image, image.launchUserIds(), image.publicLaunch(), description));
            return;
        }
        List<Ec2Form.Permission> add = new java.util.ArrayList<>(form.permissions("LaunchPermission.Add"));
        List<Ec2Form.Permission> remove = new java.util.ArrayList<>(form.permissions("LaunchPermission.Remove"));
        // The older form: Attribute=launchPermission&OperationType=add&UserId.1=...&UserGroup.1=all
        String operation = form.get("OperationType").orElse("");
        List<Ec2Form.Permission> listed = new java.util.ArrayList<>();
        form.list("UserId").forEach(u -> listed.add(new Ec2Form.Permission(u, null)));
        form.list("UserGroup").forEach(g -> listed.add(new Ec2Form.Permission(null, g)));
        if (!listed.isEmpty()) {
            switch (operation) {
                case "add" -> add.addAll(listed);
                case "remove" -> remove.addAll(listed);
                default -> throw Ec2Exception.invalidValue("Value (" + operation + ") for parameter OperationType"
                        + " is invalid: give add or remove");
            }
        }
        if (add.isEmpty() && remove.isEmpty()) {
            if (!attribute.isEmpty() && !attribute.equals("launchPermission")) {
                throw Ec2Exception.invalidValue("Value (" + attribute + ") for parameter attribute is invalid."
                        + " Kiln modifies launchPermission and description.");
            }
            throw Ec2Exception.missing("LaunchPermission or Description");
        }
        Set<String> users = new LinkedHashSet<>(image.launchUserIds());
        boolean isPublic = image.publicLaunch();
        for (Ec2Form.Permission p : add) {
            if (p.group() != null) {
                isPublic = isPublic || checkGroup(p.group());
            }
            if (p.userId() != null) {
                users.add(checkUser(p.userId()));
            }
        }
        for (Ec2Form.Permission p : remove) {
            if (p.group() != null && checkGroup(p.group())) {
                isPublic = false;
            }
            if (p.userId() != null) {
                users.remove(checkUser(p.userId()));
            }
        }
        images.update(withPermissions(image, users, isPublic, image.description()));
    }

    private static boolean checkGroup(String group) {
        if (!group.equals("all")) {
            throw Ec2Exception.invalidValue("Value (" + group + ") for parameter group is invalid: the only launch"
                    + " permission group is all");
        }
        return true;
    }

    private static String checkUser(String userId) {
        if (!ACCOUNT_ID.matcher(userId).matches()) {
            throw new Ec2Exception("InvalidUserID.Malformed", "Invalid user id: \"" + userId
                    + "\" (expecting a 12-digit account id)");
        }
        return userId;
    }

    private static MachineImage withPermissions(MachineImage i, Set<String> users, boolean isPublic,
                                                String description) {
        return i.toBuilder().setDescription(description).setLaunchUserIds(users).setPublicLaunch(isPublic).build();
    }

    /** Copies an image the caller may launch into the request's region, owned by the caller (checksum verified). */
    private String copy(String account, String region, Ec2Form form) throws IOException {
        String sourceRegion = form.required("SourceRegion");
        String name = form.required("Name");
        if (!regions.contains(sourceRegion)) {
            throw Ec2Exception.invalidValue("Invalid value '" + sourceRegion + "' for SourceRegion: this server"
                    + " serves " + String.join(", ", new java.util.TreeSet<>(regions)));
        }
        MachineImage source = usable(account, sourceRegion, form.required("SourceImageId"));
        Map<String, String> tags = form.flag("CopyImageTags") ? source.tags() : Map.of();
        MachineImage copy = images.copy(source, MachineImage.builder().setRegion(region).setName(name)
                .setDescription(form.get("Description").orElse(source.description())).setOwnerId(account)
                .setArchitecture(source.architecture()).setRootVolumeSizeGiB(source.rootVolumeSizeGiB()).setTags(tags)
                .setBoot(source.boot()).build());
        return copy.imageId();
    }

    private static byte[] body(Context ctx) throws IOException {
        if (ctx.req().getContentLengthLong() > MAX_BODY_BYTES) {
            throw new Ec2Exception("RequestLimitExceeded", "The request body is larger than " + MAX_BODY_BYTES
                    + " bytes");
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new Ec2Exception("RequestLimitExceeded", "The request body is larger than " + MAX_BODY_BYTES
                        + " bytes");
            }
            return bytes;
        }
    }

    private static Map<String, List<String>> headers(Context ctx) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            headers.put(name, Collections.list(ctx.req().getHeaders(name)));
        }
        return headers;
    }

    /** SigV4 failures under the names EC2 gives them. */
    static Ec2Exception authError(ApiException e) {
        return switch (e.type().name()) {
            case "MissingAuthenticationTokenException" -> new Ec2Exception("MissingAuthenticationToken",
                    "Request is missing Authentication Token", 401);
            case "IncompleteSignatureException" -> new Ec2Exception("IncompleteSignature", e.getMessage(), 400);
            case "UnrecognizedClientException" -> new Ec2Exception("AuthFailure",
                    "AWS was not able to validate the provided access credentials", 401);
            default -> e.getMessage() != null && e.getMessage().startsWith("Signature expired")
                    ? new Ec2Exception("RequestExpired", e.getMessage(), 400)
                    : new Ec2Exception("SignatureDoesNotMatch", e.getMessage(), 403);
        };
    }
}
