package dev.kiln.cli;

import dev.kiln.core.build.BuildLog;
import dev.kiln.machines.Machines;
import dev.kiln.machines.base.BaseImage;
import java.time.Clock;
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
            description = "Build (or rebuild) a base image now, e.g. debian-12; builds otherwise make it on first use.")
    static final class Build implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", defaultValue = "debian-12", description = "debian-12 (default).")
        String name;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() throws Exception {
            Prerequisites.ensure(Prerequisites.VM_BUILDS, System.err);
            Machines machines = Machines.in(data.dataDir, Clock.systemUTC(), data.baseImages);
            BuildLog log = BuildLog.discarding(Clock.systemUTC()).follow(System.err::println);
            BaseImage image;
            try {
                image = machines.baseImages().rebuild(name, log);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
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
            machines.baseImages().cached("debian-12").ifPresentOrElse(
                    i -> System.out.println(i.name() + "\t" + i.builtAt() + "\t" + i.sizeGiB() + " GiB\t" + i.disk()),
                    () -> System.err.println("no base image is cached yet: kiln base-images build debian-12"));
            return ExitCodes.OK;
        }
    }
}
