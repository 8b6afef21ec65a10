package dev.kiln.core.container;

import java.net.URI;

/**
 * The OCI registry that stands in for ECR in one region: {@code targetRepository {service: ECR,
 * repositoryName}} means that repository here.
 *
 * @param region  the Kiln region it serves
 * @param host    {@code host[:port]} as it appears in image references, e.g. {@code 127.0.0.1:5001}
 * @param url     the registry API's base URL, e.g. {@code http://127.0.0.1:5001}
 * @param managed true when Kiln runs it (the CNCF registry on loopback), false when the operator named it
 */
public record ContainerRegistry(String region, String host, URI url, boolean managed) {

    /** {@code host/repository:tag}, a reference clients pull. */
    public String reference(String repository, String tag) {
        return host + "/" + repository + ":" + tag;
    }

    /** {@code host/repository@sha256:...}, the reference that always means these exact bytes. */
    public String digestReference(String repository, String digest) {
        return host + "/" + repository + "@" + digest;
    }
}
