package dev.kiln.core.resource;

import dev.kiln.core.api.CallContext;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.error.ErrorType;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.store.StoredResource;
import java.util.Locale;
import java.util.Optional;

/**
 * Resources named by a plain ARN without a version ({@code .../infrastructure-configuration/<name>},
 * {@code .../distribution-configuration/<name>}, {@code .../image-pipeline/<name>}): parsing the ARN a
 * caller gives, and finding the caller's own resource by it. The one lookup for them: their
 * operations, the pipelines and the image builds that name them all find them here.
 */
public final class PlainArns {
    private PlainArns() {
    }

    /** Parses a plain ARN of the given type, or answers InvalidParameterValue naming the member. */
    public static Arn parse(String text, String type, String member) {
        Optional<Arn> arn = Arn.parse(text);
        if (arn.isEmpty() || !arn.get().type().equals(type) || arn.get().version() != null) {
            throw new ApiException(ErrorType.InvalidParameterValueException, member + " '" + text + "' is not "
                    + article(type).toLowerCase(Locale.ROOT) + " " + type
                    + " ARN such as arn:aws:imagebuilder:us-east-1:123456789012:" + type + "/my-name");
        }
        return arn.get();
    }

    /** "A" or "An", for a resource's type or description in a message. */
    static String article(String noun) {
        return noun.matches("[aeiouAEIOU].*") ? "An" : "A";
    }

    /**
     * The caller's resource that the ARN names, or ResourceNotFound. Resources of other accounts and
     * other regions are never found, whatever their ARN: an ARN naming another region or owner answers
     * ResourceNotFound as an unknown name does (a caller does not see what it does not own, nor other
     * regions' resources); an ARN of another form answers InvalidParameterValue.
     *
     * @param what how to name the resource in the message, e.g. "infrastructure configuration"
     */
    public static StoredResource find(ResourceStore store, CallContext ctx, String text, String type, String member,
                                      String what) {
        Arn arn = parse(text, type, member);
        Optional<StoredResource> found = Optional.empty();
        if (arn.region().equals(ctx.region()) && arn.owner().equals(ctx.accountId())) {
            found = store.get(arn.toString())
                    .filter(r -> r.type().equals(type) && r.accountId().equals(ctx.accountId())
                            && r.region().equals(ctx.region()));
        }
        return found.orElseThrow(() -> ApiException.notFound("The " + what + " " + text + " does not exist"));
    }
}
