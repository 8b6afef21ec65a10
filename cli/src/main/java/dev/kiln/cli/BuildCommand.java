package dev.kiln.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.api.CallContext;
import dev.kiln.core.ImageBuilderApi;
import dev.kiln.core.api.ImageBuilderService;
import dev.kiln.core.arn.Arn;
import dev.kiln.core.build.BuildEnvironment;
import dev.kiln.core.build.BuildOrchestrator;
import dev.kiln.core.error.ApiException;
import dev.kiln.core.image.BaseImages;
import dev.kiln.core.image.ImageRecord;
import dev.kiln.core.image.ImageStatus;
import dev.kiln.core.store.Database;
import dev.kiln.machines.Machines;
import dev.kiln.server.Kiln;
import dev.kiln.common.s3.S3Config;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code kiln build FILE.yaml}: one image build from a local file, without a server, as
 * {@code packer build} does. The recipe, components and infrastructure live only for this run (an
 * in-memory store); a machine image lands in the data folder's image store, a container image in the
 * region's registry (Kiln's own, started for the run, with its storage in the data folder).
 */
@Command(name = "build", mixinStandardHelpOptions = true,
        description = "Build a machine image or a container image once from a local build file (recipe,"
                + " components, infrastructure).")
final class BuildCommand implements Callable<Integer> {
    /** How long a stopped build may take to clean up. */
    private static final Duration BUILD_BOUND = Duration.ofSeconds(90);

    @Parameters(paramLabel = "FILE", description = "The build file (YAML).")
    Path file;

    @Mixin
    DataOptions data;

    @Override
    public Integer call() throws Exception {
        BuildFile build = BuildFile.read(file);
        S3Config s3 = data.s3();
        String account = data.defaultAccount();
        Clock clock = Clock.systemUTC();
        // Assembled as the server assembles Kiln, on one stack that a stop (Ctrl-C) closes in reverse: the
        // build first, which cleans up, then the machines, then the database.
        try (Kiln kiln = Kiln.create("kiln build").closeOnShutdown()) {
            // The recipe, components and infrastructure live only for this run.
            Database db = kiln.openDatabase(Database.open("jdbc:h2:mem:kiln-build-" + UUID.randomUUID()
                    + ";DB_CLOSE_DELAY=-1"));
            new BaseImages(db.resources(), clock).seed(List.of(build.region()));
            ImageBuilderService api = ImageBuilderApi.create(db.resources(), db.idempotency(), clock,
                    Set.of(build.region()));
            CallContext ctx = new CallContext(account, build.region(), "kiln-build");
            String imageArn;
            try {
                imageArn = create(api, ctx, build);
            } catch (ApiException e) {
                throw new UserError(file + ": " + e.getMessage());
            }
            Machines machines = kiln.openMachines(data.dataDir, clock, data.baseImages, data.registries());
            if (build.container()) {
                machines.registries().sweepOrphans();
            }
            return build(kiln, db, machines.environment().toBuilder().setS3(s3).build(), build, imageArn, clock);
        }
    }

    private int build(Kiln kiln, Database db, BuildEnvironment environment, BuildFile build, String imageArn,
                      Clock clock) throws java.io.IOException {
        Instant start = clock.instant();
        Thread builder = Thread.currentThread();
        CountDownLatch built = new CountDownLatch(1);
        // A stop interrupts the build, which ends its image FAILED and closes its instances.
        kiln.add("the build of " + imageArn, BUILD_BOUND, () -> {
            if (built.getCount() > 0) {
                builder.interrupt();
                built.await();
            }
        });
        try {
            new BuildOrchestrator(db.resources(), environment).build(imageArn, System.err::println,
                    build.container() ? file.toAbsolutePath().getParent() : null);
        } finally {
            built.countDown();
        }
        ImageRecord image = ImageRecord.of(db.resources().get(imageArn).orElseThrow());
        ImageStatus status = image.status();
        Duration took = Duration.between(start, clock.instant());
        if (status != ImageStatus.AVAILABLE) {
            throw new UserError("the build ended " + status + " after " + took.toSeconds() + " s: "
                    + image.reason().orElse(""), ExitCodes.FAILED);
        }
        String output = build.container() ? image.firstContainerImageUri()
                : new ImageRecord.Ami(image.amis().path(0)).imageId();
        System.out.println(output);
        System.err.println("Built " + output + " in " + build.region() + " in " + took.toSeconds() + " s (log: "
                + dev.kiln.core.build.BuildFolders.log(environment.buildsFolder(), imageArn) + ")");
        if (build.container()) {
            System.err.println("The image is in the region's registry, which runs while `kiln server` runs (with this"
                    + " data folder) or during the next `kiln build`.");
        }
        return ExitCodes.OK;
    }

    private static String create(ImageBuilderService api, CallContext ctx, BuildFile build) {
        ObjectNode recipe = build.recipe().deepCopy();
        String parent = recipe.path("parentImage").asText();
        boolean baseImageName = build.container()
                ? BaseImages.ALL.stream().anyMatch(b -> b.name().equals(parent))
                : !parent.startsWith("arn:") && !parent.startsWith("ami-");
        if (baseImageName) {
            recipe.put("parentImage", Arn.of(ctx.region(), Arn.AWS_OWNER, "image", parent).withVersion("x.x.x")
                    .toString());
        }
        var components = recipe.putArray("components");
        for (BuildFile.Component c : build.components()) {
            ObjectNode in = new ObjectNode(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance)
                    .put("name", c.name()).put("semanticVersion", build.recipe().path("semanticVersion").asText())
                    .put("platform", "Linux").put("data", c.document())
                    .put("clientToken", UUID.randomUUID().toString());
            String arn = api.call(ctx, "CreateComponent", in).path("componentBuildVersionArn").asText();
            ObjectNode entry = components.addObject().put("componentArn", arn);
            if (!c.parameters().isEmpty()) {
                var ps = entry.putArray("parameters");
                c.parameters().fields().forEachRemaining(p -> ps.addObject().put("name", p.getKey())
                        .putArray("value").add(p.getValue().asText()));
            }
        }
        recipe.put("clientToken", UUID.randomUUID().toString());
        String recipeArn = build.container()
                ? api.call(ctx, "CreateContainerRecipe", recipe).path("containerRecipeArn").asText()
                : api.call(ctx, "CreateImageRecipe", recipe).path("imageRecipeArn").asText();
        ObjectNode infra = build.infrastructure().deepCopy();
        infra.put("name", build.recipe().path("name").asText() + "-build");
        if (!infra.has("instanceProfileName")) {
            infra.put("instanceProfileName", "kiln");
        }
        infra.put("clientToken", UUID.randomUUID().toString());
        String infraArn = api.call(ctx, "CreateInfrastructureConfiguration", infra)
                .path("infrastructureConfigurationArn").asText();
        ObjectNode image = new ObjectNode(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance)
                .put(build.container() ? "containerRecipeArn" : "imageRecipeArn", recipeArn)
                .put("infrastructureConfigurationArn", infraArn)
                .put("clientToken", UUID.randomUUID().toString());
        if (build.imageTestsConfiguration() != null) {
            image.set("imageTestsConfiguration", build.imageTestsConfiguration());
        }
        return api.call(ctx, "CreateImage", image).path("imageBuildVersionArn").asText();
    }
}
