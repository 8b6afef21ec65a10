package dev.kiln.cli;

import dev.kiln.core.image.BaseImages;
import dev.kiln.core.log.BuildFailure;
import dev.kiln.core.log.BuildLog;
import dev.kiln.machines.Machines;
import dev.kiln.machines.host.HostPackages;
import dev.kiln.machines.base.BaseImage;
import dev.kiln.machines.base.ContainerBaseImage;
import dev.kiln.machines.base.ContainerBaseImages;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code kiln base-images}: Kiln-managed base images, built from the Debian mirror. */
@Command(name = "base-images", mixinStandardHelpOptions = true,
        description = "Kiln-managed base images (owner aws), built from the Debian mirror and cached.",
        subcommands = {BaseImagesCommand.Build.class, BaseImagesCommand.ListBaseImages.class})
final class BaseImagesCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Build (or rebuild) a base image now, e.g. debian-12 or debian-12-container; builds"
                    + " otherwise make it on first use.")
    static final class Build implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", defaultValue = "debian-12",
                description = "debian-12 (default, the VM image) or debian-12-container (the container image).")
        String name;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() throws Exception {
            Machines machines = Machines.in(data.dataDir, Clock.systemUTC(), data.baseImages);
            BuildLog log = BuildLog.discarding(Clock.systemUTC()).follow(System.err::println);
            if (ContainerBaseImages.names().contains(name.toLowerCase(java.util.Locale.ROOT))) {
                Prerequisites.requireAll("mmdebstrap");
                try {
                    ContainerBaseImage image = new ContainerBaseImages(machines.baseImages().folder())
                            .rebuild(name, log);
                    System.out.println(image.ociReference());
                } catch (BuildFailure e) {
                    throw new UserError(e.getMessage(), ExitCodes.FAILED);
                }
                return ExitCodes.OK;
            }
            Prerequisites.require(HostPackages.Feature.BASE_IMAGES);
            BaseImage image;
            try {
                image = machines.baseImages().rebuild(name, log);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage() + ", " + String.join(", ", ContainerBaseImages.names()));
            }
            System.out.println(image.disk());
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the cached base images.")
    static final class ListBaseImages implements Callable<Integer> {
        @Mixin
        DataOptions data;

        @Override
        public Integer call() {
            Machines machines = Machines.in(data.dataDir, Clock.systemUTC(), data.baseImages);
            List<BaseImage> vms = BaseImages.of(false).stream()
                    .flatMap(b -> machines.baseImages().cached(b.shortName()).stream()).toList();
            vms.forEach(i -> System.out.println(i.name() + "\t" + i.builtAt() + "\t" + i.sizeGiB() + " GiB\t"
                    + i.disk()));
            ContainerBaseImages containers = new ContainerBaseImages(machines.baseImages().folder());
            List<ContainerBaseImage> cached = ContainerBaseImages.names().stream()
                    .flatMap(n -> containers.cached(n).stream()).toList();
            cached.forEach(i -> System.out.println(i.name() + "\t" + i.builtAt() + "\t" + (i.layerSize() >> 20)
                    + " MB\t" + i.ociReference()));
            if (vms.isEmpty() && cached.isEmpty()) {
                System.err.println("no base image is cached yet: kiln base-images build "
                        + BaseImages.DEBIAN_12_X86.shortName());
            }
            return ExitCodes.OK;
        }
    }
}
