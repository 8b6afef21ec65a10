package dev.kiln.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.api.RequestBinder;
import dev.kiln.core.api.ResponseShaper;
import dev.kiln.core.api.Route;
import dev.kiln.core.api.ServiceModel;
import dev.kiln.core.api.ShapeValidator;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.server.auth.SigV4Verifier;
import dev.kiln.server.auth.SignedRequest;
import dev.kiln.server.auth.VerifiedCaller;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge of the Image Builder API, and the one place where errors become AWS's wire format:
 * every request is SigV4-verified, routed by method and path, bound and validated against the
 * model, handled, and answered with the model's output shape. Errors carry {@code x-amzn-ErrorType}
 * and {@code {"__type", "message"}}, which both botocore and the Java SDK read; nothing a client
 * sends gets a 500.
 */
final class ApiHandler implements Handler {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServiceModel model;
    private final RequestBinder binder;
    private final ShapeValidator validator;
    private final ResponseShaper shaper;
    private final SigV4Verifier verifier;
    private final ImageBuilderService service;
    private final int maxBodyBytes;

    ApiHandler(ServiceModel model, SigV4Verifier verifier, ImageBuilderService service, int maxBodyBytes) {
        this.model = model;
        this.binder = new RequestBinder(model, maxBodyBytes);
        this.validator = new ShapeValidator(model);
        this.shaper = new ResponseShaper(model);
        this.verifier = verifier;
        this.service = service;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void handle(Context ctx) {
        String requestId = UUID.randomUUID().toString();
        ctx.header("x-amzn-RequestId", requestId);
        try {
            byte[] body = body(ctx);
            Map<String, List<String>> headers = headers(ctx);
            String rawPath = ctx.req().getRequestURI();
            String rawQuery = ctx.req().getQueryString();
            VerifiedCaller caller = verifier.verify(new SignedRequest(ctx.method().name(), rawPath, rawQuery, headers,
                    body));
            Route route = model.route(ctx.method().name(), rawPath).orElseThrow(() -> new ApiException(
                    ErrorType.UnknownOperationException, "No operation answers " + ctx.method() + " " + rawPath));
            ObjectNode input = binder.bind(route, query(rawQuery), headers, body);
            validator.validate(route.operation(), input);
            ObjectNode output = service.call(new CallContext(caller.accountId(), caller.region(), requestId),
                    route.operation().name(), input);
            ctx.status(200).contentType("application/json")
                    .result(JSON.writeValueAsBytes(shaper.shape(route.operation(), output)));
        } catch (ApiException e) {
            error(ctx, e.type(), e.getMessage());
        } catch (RuntimeException | IOException e) {
            LOG.error("request {} failed", requestId, e);
            error(ctx, ErrorType.ServiceException, "Kiln failed to answer this request (request id "
                    + requestId + "); the server log has the details");
        }
    }

    private byte[] body(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                throw tooLarge();
            }
            return bytes;
        }
    }

    private ApiException tooLarge() {
        return new ApiException(ErrorType.RequestEntityTooLargeException, "The request body is larger than "
                + maxBodyBytes + " bytes");
    }

    private static Map<String, List<String>> headers(Context ctx) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            headers.put(name, Collections.list(ctx.req().getHeaders(name)));
        }
        return headers;
    }

    static Map<String, List<String>> query(String rawQuery) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return query;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorType.SerializationException, "The query string is not percent-encoded"
                    + " correctly");
        }
    }

    private static void error(Context ctx, ErrorType type, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type.name());
        body.put("message", message);
        // The Java SDK corrects clock skew from the Date header of an error answer.
        ctx.header("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
        ctx.header("x-amzn-ErrorType", type.name());
        ctx.status(type.status()).contentType("application/json").result(body.toString());
    }
}
