package dev.kiln.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Image Builder resources, persistent. Every method is one transaction. Times are kept to the
 * microsecond (what both databases store). A version that is not "major.minor.patch" (each node
 * 0..2^31-1) is an ApiException InvalidVersionNumberException; a value longer than its column (e.g. a
 * name over 256 characters) is InvalidParameterValueException.
 */
public interface ResourceStore {

    /**
     * Stores a new resource.
     *
     * @throws dev.kiln.core.error.ApiException ResourceAlreadyExistsException when its ARN exists
     *         (two concurrent creates of the same ARN: exactly one wins)
     */
    void insert(StoredResource resource);

    /**
     * Stores a new build version of a versioned resource with the next free build number for its
     * name and version (1 for the first), and answers it as stored. Safe under concurrent calls.
     *
     * @param withoutBuild the resource; its {@code arn} ends with the version and its build is null.
     *                     The store appends "/build" to the ARN and sets "arn" in (a copy of) the body.
     *                     Builds are counted per version ARN; a build version stored with
     *                     {@link #insert} counts too. The number of a deleted newest build is reused.
     */
    StoredResource insertNextBuild(StoredResource withoutBuild);

    Optional<StoredResource> get(String arn);

    List<StoredResource> list(ResourceQuery query);

    /**
     * Every resource of a type in every region and account, oldest first: what a build worker scans
     * at start-up to find images a crash interrupted or left waiting.
     */
    List<StoredResource> listOfType(String type);

    /** Replaces a resource's body (and createdAt stays). @return false when it does not exist */
    boolean update(StoredResource resource);

    /**
     * Changes a resource's body as one step: the body is read, changed and written with the resource
     * locked, so that two writers that each change part of it (a build's state and a cancel, a
     * pipeline's schedule record and UpdateImagePipeline) never lose each other's change. The change
     * must only compute: it runs while others wait for the resource.
     *
     * @param change gets a copy of the current body and answers the new one, or null to leave it as it
     *               is; what it throws propagates, and nothing is written
     * @return the resource as stored afterwards; empty when it does not exist
     */
    Optional<StoredResource> modify(String arn, UnaryOperator<ObjectNode> change);

    /** @return false when it did not exist */
    boolean delete(String arn);
}
