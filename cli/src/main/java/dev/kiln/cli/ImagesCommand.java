package dev.kiln.cli;

import dev.kiln.core.build.BuildFolders;
import dev.kiln.core.image.ImageRecord;
import dev.kiln.core.machine.Boot;
import dev.kiln.core.machine.MachineImage;
import dev.kiln.core.store.Database;
import dev.kiln.core.store.StoredResource;
import dev.kiln.machines.image.DiskImages;
import dev.kiln.server.Kiln;
import dev.kiln.server.ec2.ImageAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln images}: the machine images in Kiln's image store, and image build logs. */
@Command(name = "images", mixinStandardHelpOptions = true,
        description = "Machine images (AMIs) in Kiln's image store, and the logs of image builds.",
        subcommands = {ImagesCommand.ListImages.class, ImagesCommand.Import.class, ImagesCommand.Export.class,
                ImagesCommand.Deregister.class, ImagesCommand.Logs.class, LaunchCommand.class})
final class ImagesCommand extends CommandGroup {
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the machine images of a region.")
    static final class ListImages implements Callable<Integer> {
        @Option(names = "--region", defaultValue = "us-east-1", description = "Region (default: ${DEFAULT-VALUE}).")
        String region;

        @Option(names = "--account", description = "List the images this account may use: its own, those shared"
                + " with it and public ones (default: Kiln's first account).")
        String account;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() {
            String caller = data.accountOrDefault(account);
            for (MachineImage i : new LocalImages(data).store().list(region)) {
                if (!ImageAccess.usableBy(i, caller)) {
                    continue;
                }
                System.out.println(i.imageId() + "\t" + i.ownerId() + "\t" + i.creationDate() + "\t"
                        + i.rootVolumeSizeGiB() + " GiB\t" + i.name());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Register a qcow2 or raw disk image of your own (e.g. a Debian or Ubuntu cloud image,"
                    + " which boots with its own bootloader) as a machine image.")
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The disk image (qcow2 or raw).")
        Path file;

        @Option(names = "--name", description = "The image's name (default: the file name).")
        String name;

        @Option(names = "--description", description = "A description.")
        String description;

        @Option(names = "--region", defaultValue = "us-east-1", description = "Region (default: ${DEFAULT-VALUE}).")
        String region;

        @Option(names = "--account", description = "The owning account (default: Kiln's first account).")
        String account;

        @Option(names = "--kernel", paramLabel = "FILE",
                description = "Boot this kernel directly (the disk is then one file system, root=/dev/vda).")
        Path kernel;

        @Option(names = "--initrd", paramLabel = "FILE", description = "The kernel's initial ramdisk.")
        Path initrd;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() throws Exception {
            DiskImages.Info info;
            try {
                info = DiskImages.info(file);
            } catch (IOException e) {
                throw new UserError(e.getMessage(), ExitCodes.FAILED);
            }
            if (!DiskImages.FORMATS.contains(info.format())) {
                throw new UserError(file + " is a " + info.format() + " disk image; Kiln imports qcow2 and raw");
            }
            if (info.backingFile() != null) {
                throw new UserError(file + " is an overlay of " + info.backingFile()
                        + "; import a standalone image (qemu-img convert -O qcow2 it first)");
            }
            if (initrd != null && kernel == null) {
                throw new UserError("--initrd needs --kernel");
            }
            String owner = account != null ? account : data.defaultAccount();
            Kiln.createDataDir(data.dataDir.toAbsolutePath()); // with --account, a first use
            Path staged = Files.createTempFile(data.dataDir.toAbsolutePath(), "import-", ".qcow2");
            try {
                DiskImages.convert(file, info.format(), staged, "qcow2");
                Boot boot = kernel == null ? Boot.firmware() : new Boot(Boot.Mode.KERNEL, kernel, initrd, "");
                int sizeGiB = (int) Math.max(1, (info.virtualSize() + (1L << 30) - 1) >> 30);
                MachineImage image = new LocalImages(data).store().register(MachineImage.builder().setRegion(region)
                        .setName(name != null ? name : file.getFileName().toString()).setDescription(description)
                        .setOwnerId(owner).setRootVolumeSizeGiB(sizeGiB).setBoot(boot).build(), staged);
                System.out.println(image.imageId());
                System.err.println("Imported " + file + " as " + image.imageId() + " in " + region + ", owned by "
                        + owner + (kernel == null ? " (boots with its own bootloader)" : ""));
            } catch (IOException e) {
                throw new UserError("cannot import " + file + ": " + e.getMessage(), ExitCodes.FAILED);
            } finally {
                Files.deleteIfExists(staged);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a machine image out as a standalone qcow2 or raw file.")
    static final class Export implements Callable<Integer> {
        @Parameters(paramLabel = "AMI_ID", description = "The image, e.g. ami-0123456789abcdef0.")
        String imageId;

        @Option(names = "--format", defaultValue = "qcow2", description = "qcow2 or raw (default: ${DEFAULT-VALUE}).")
        String format;

        @Option(names = "--output", required = true, paramLabel = "PATH", description = "Where to write it.")
        Path output;

        @Mixin
        ImageUser user;

        @Override
        public Integer call() throws Exception {
            if (!DiskImages.FORMATS.contains(format)) {
                throw new UserError("--format must be qcow2 or raw, not '" + format + "'");
            }
            MachineImage image = user.find(imageId);
            Path tmp = output.resolveSibling(output.getFileName() + ".part");
            try {
                DiskImages.convert(image.disk(), "qcow2", tmp, format);
                Files.move(tmp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UserError("cannot export " + imageId + " to " + output + ": " + e.getMessage(),
                        ExitCodes.FAILED);
            } finally {
                Files.deleteIfExists(tmp);
            }
            System.err.println("Wrote " + imageId + " to " + output + " (" + format + ")"
                    + (image.boot().mode() == Boot.Mode.KERNEL ? "; it boots with the kernel " + image.boot().kernel()
                    + " and root=/dev/vda" : ""));
            return ExitCodes.OK;
        }
    }

    @Command(name = "deregister", mixinStandardHelpOptions = true,
            description = "Remove an image and its files from the store (DeleteImage keeps the images a build"
                    + " distributed, as in AWS; this removes one). Only its owner may.")
    static final class Deregister implements Callable<Integer> {
        @Parameters(paramLabel = "AMI_ID", description = "The image, e.g. ami-0123456789abcdef0.")
        String imageId;

        @Option(names = "--region", defaultValue = "us-east-1", description = "Region (default: ${DEFAULT-VALUE}).")
        String region;

        @Option(names = "--account", description = "The account acting: it must own the image (default: Kiln's"
                + " first account).")
        String account;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() throws Exception {
            LocalImages images = new LocalImages(data);
            MachineImage image = images.find(region, imageId);
            String caller = data.accountOrDefault(account);
            if (!image.ownerId().equals(caller)) {
                throw new UserError("account " + caller + " may not deregister " + imageId + ": it belongs to account "
                        + image.ownerId(), ExitCodes.FAILED);
            }
            images.store().deregister(region, imageId);
            System.err.println("Deregistered " + imageId + " ('" + image.name() + "') in " + region);
            return ExitCodes.OK;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true,
            description = "Print an image build version's log; with --follow, keep printing until the build ends.")
    static final class Logs implements Callable<Integer> {
        @Parameters(paramLabel = "ARN", description = "The image build version, e.g."
                + " arn:aws:imagebuilder:us-east-1:123456789012:image/web/1.0.0/1")
        String arn;

        @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the build ends.")
        boolean follow;

        @Mixin
        DataOptions data;

        @Override
        public Integer call() throws Exception {
            Path log;
            try {
                log = BuildFolders.log(data.dataDir.toAbsolutePath().resolve("builds"), arn);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            long printed = LogFiles.print(log, 0, System.out);
            if (follow) {
                // One connection for the whole follow: the server's database answers while it runs.
                long offset = data.withDatabase("kiln images logs", db -> {
                    long at = printed;
                    while (inProgress(db)) {
                        Thread.sleep(500);
                        at = LogFiles.print(log, at, System.out);
                    }
                    return at;
                });
                LogFiles.print(log, offset, System.out);
            }
            if (!Files.exists(log)) {
                throw new UserError("no log for " + arn + " in " + data.dataDir + " (has the build started?)",
                        ExitCodes.FAILED);
            }
            return ExitCodes.OK;
        }

        private boolean inProgress(Database db) {
            StoredResource image = db.resources().get(arn).orElse(null);
            return image != null && ImageRecord.of(image).status().inProgress();
        }
    }
}
