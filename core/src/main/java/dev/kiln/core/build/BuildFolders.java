package dev.kiln.core.build;

import dev.kiln.core.arn.Arn;
import java.nio.file.Path;

/**
 * Where an image build version keeps its files: {@code <builds>/<region>/<account>/<name>/<version>/<build>/},
 * holding {@code build.log}, the engine's logs and, while it runs, its instances. Derived from the ARN
 * alone so that the CLI finds a build's log without asking the server.
 */
public final class BuildFolders {
    private BuildFolders() {
    }

    public static Path of(Path buildsFolder, String imageArn) {
        Arn arn = Arn.parse(imageArn).orElseThrow(() -> new IllegalArgumentException("not an ARN: " + imageArn));
        if (arn.version() == null || arn.build() == null) {
            throw new IllegalArgumentException("not an image build version ARN: " + imageArn);
        }
        return buildsFolder.resolve(arn.region()).resolve(arn.owner()).resolve(arn.name())
                .resolve(arn.version()).resolve(String.valueOf(arn.build()));
    }

    public static Path log(Path buildsFolder, String imageArn) {
        return of(buildsFolder, imageArn).resolve("build.log");
    }
}
