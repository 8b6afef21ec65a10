package dev.kiln.core.build;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.core.container.ContainerEngine;
import dev.kiln.core.container.WorkingContainer;
import dev.kiln.core.recipe.DockerfileTemplate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds a container recipe's image locally: the Dockerfile template up to its components as one
 * Dockerfile build, then the components' build and validate phases in a working container made from
 * that image (Kiln's engine runs them from the host, so their output is in the build log, not left
 * inside the image), committed as a layer, then the template's lines after the components as a second
 * Dockerfile build on top. Every local image it makes is added to {@code made}, for the orchestrator to
 * remove.
 */
final class BuildContainerStep {
    private static final List<String> BUILD_PHASES = List.of("build", "validate");

    private final ContainerEngine engine;
    private final RunComponentsStep components;

    BuildContainerStep(ContainerEngine engine, RunComponentsStep components) {
        this.engine = engine;
        this.components = components;
    }

    /**
     * @param onCommit called before the components' layer is committed (the image goes CREATING)
     * @return the local id of the built image
     */
    String run(BuildPlan plan, ContainerNames names, Path folder, List<String> made, Runnable onCommit, BuildLog log)
            throws IOException, InterruptedException {
        BuildPlan.ContainerPlan container = plan.container();
        DockerfileTemplate.Rendered dockerfile;
        try {
            dockerfile = DockerfileTemplate.render(container.template(), container.parentImage());
        } catch (IllegalArgumentException e) {
            throw new BuildFailure("the recipe's Dockerfile template cannot be used: " + e.getMessage());
        }
        log.info("Dockerfile up to the components:\n" + dockerfile.before().stripTrailing());
        String image = engine.buildDockerfile(dockerfile.before(), container.contextFolder(), names.tag("base"), log);
        made.add(image);
        if (!plan.components().isEmpty()) {
            if (!dockerfile.namesComponents()) {
                log.info("the Dockerfile template has no {{{ imagebuilder:components }}}: the components run after"
                        + " all of it");
            }
            try (WorkingContainer working = engine.from(image, names.container("build"), log)) {
                components.run(plan, working.target(), BUILD_PHASES, folder.resolve("components-build"), log);
                onCommit.run();
                image = working.commit(names.tag("components"), log);
                made.add(image);
            }
        } else {
            onCommit.run();
        }
        if (dockerfile.hasInstructionsAfter()) {
            String after = "FROM " + image + "\n" + dockerfile.after();
            log.info("Dockerfile after the components (template line " + dockerfile.afterFirstLine() + " on):\n"
                    + after.stripTrailing());
            image = engine.buildDockerfile(after, container.contextFolder(), names.tag("final"), log);
            made.add(image);
        }
        return image;
    }
}
