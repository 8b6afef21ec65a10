/**
 * The Image Builder API as its service model describes it, so that the AWS CLI and SDKs work against
 * Kiln unchanged.
 *
 * <h2>Model-driven</h2>
 * The botocore model ({@code imagebuilder-2019-12-02.json}, beside this package's classes) is the
 * source of truth for 77 operations and about 480 shapes. This package reads it at run time instead
 * of mirroring it in hand-typed request and response classes, because hand-typing is how field names
 * drift: one {@code componentArn} spelled {@code componentARN}, one forgotten {@code min: 1}, one
 * enum value missing, and a client that works against AWS fails against Kiln. Here the model decides:
 * <ul>
 *   <li>the route: {@link dev.kiln.core.api.ServiceModel#route} maps method + path to an
 *       {@link dev.kiln.core.api.Operation}: 74 operations on fixed paths such as
 *       {@code /CreateComponent}, and the tag trio on {@code /tags/{resourceArn}};</li>
 *   <li>where each input member comes from (query string, URI label, header or JSON body) and its
 *       type: {@link dev.kiln.core.api.RequestBinder};</li>
 *   <li>what a valid input is (required members, lengths, ranges, patterns, enums), with every
 *       problem reported at once in AWS's wording: {@link dev.kiln.core.api.ShapeValidator};</li>
 *   <li>which members an answer may carry: {@link dev.kiln.core.api.ResponseShaper}.</li>
 * </ul>
 * The service code works on Jackson trees keyed by the model's member names and keeps the rules the
 * model cannot state (data XOR uri, version wildcards, cron syntax, references between resources).
 *
 * <h2>One request</h2>
 * <pre>{@code
 * Route route = model.route(method, rawPath).orElseThrow(...);      // 404 UnknownOperation
 * ObjectNode input = binder.bind(route, query, headers, body);      // SerializationException, types
 * validator.validate(route.operation(), input);                     // InvalidRequestException
 * ObjectNode built = service.handle(route.operation(), input);
 * ObjectNode answer = shaper.shape(route.operation(), built);       // only modelled members
 * }</pre>
 *
 * <p>Loading the model checks that it uses only features this package understands, so a newer model
 * with new traits fails the tests instead of being half-served. The public surface is {@code
 * ServiceModel}, {@code Operation}, {@code Route}, {@code RequestBinder}, {@code ShapeValidator} and
 * {@code ResponseShaper}; the rest is package-private.
 */
package dev.kiln.core.api;
