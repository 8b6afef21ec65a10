package dev.kiln.core;

import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.component.ComponentOperations;
import dev.kiln.core.distribution.DistributionOperations;
import dev.kiln.core.image.ImageBuilds;
import dev.kiln.core.image.ImageBuildEvents;
import dev.kiln.core.image.ImageOperations;
import dev.kiln.core.infrastructure.InfrastructureOperations;
import dev.kiln.core.pipeline.PipelineOperations;
import dev.kiln.core.recipe.ContainerRecipeOperations;
import dev.kiln.core.recipe.ImageRecipeOperations;
import dev.kiln.core.resource.References;
import dev.kiln.core.resource.S3Documents;
import dev.kiln.core.store.IdempotencyStore;
import dev.kiln.core.store.ResourceStore;
import dev.kiln.core.tag.TagOperations;
import java.time.Clock;
import java.util.Set;

/** Wires every operation Kiln implements into one service. */
public final class ImageBuilderApi {
    private ImageBuilderApi() {
    }

    public static ImageBuilderService create(ResourceStore store, IdempotencyStore idempotency, Clock clock,
                                             Set<String> regions) {
        return create(store, idempotency, clock, regions, ImageBuildEvents.NONE);
    }

    /** @param events where started and cancelled images go: the build worker */
    public static ImageBuilderService create(ResourceStore store, IdempotencyStore idempotency, Clock clock,
                                             Set<String> regions, ImageBuildEvents events) {
        return create(store, idempotency, clock, regions, events, S3Documents.none());
    }

    /**
     * @param events    where started and cancelled images go: the build worker
     * @param documents where documents given by S3 URL (component uri, dockerfileTemplateUri) are read
     */
    public static ImageBuilderService create(ResourceStore store, IdempotencyStore idempotency, Clock clock,
                                             Set<String> regions, ImageBuildEvents events, S3Documents documents) {
        ImageBuilderService service = new ImageBuilderService(idempotency);
        References references = new References(store);
        ImageBuilds builds = new ImageBuilds(store, clock, events);
        new ComponentOperations(store, references, clock, documents).registerWith(service);
        new ImageRecipeOperations(store, references, clock).registerWith(service);
        new ContainerRecipeOperations(store, references, clock, documents).registerWith(service);
        new InfrastructureOperations(store, references, clock).registerWith(service);
        new DistributionOperations(store, references, clock, regions).registerWith(service);
        new PipelineOperations(store, builds, clock).registerWith(service);
        new ImageOperations(store, builds, clock).registerWith(service);
        new TagOperations(store).registerWith(service);
        return service;
    }
}
