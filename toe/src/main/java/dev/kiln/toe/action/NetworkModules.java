package dev.kiln.toe.action;

import static dev.kiln.toe.action.InputField.optional;
import static dev.kiln.toe.action.InputField.required;

import dev.kiln.toe.target.Platform;
import java.util.List;
import java.util.Set;

/** Downloads and uploads: WebDownload, S3Download, S3Upload. */
final class NetworkModules {
    private static final Set<Platform> ALL = Set.of(Platform.LINUX, Platform.WINDOWS, Platform.MACOS);

    private NetworkModules() {
    }

    static List<ModuleSpec> specs() {
        return List.of(
                new ModuleSpec("WebDownload", ALL, InputShape.LIST, List.of(required("source", InputType.STRING),
                        required("destination", InputType.STRING), optional("overwrite", InputType.BOOLEAN),
                        optional("checksum", InputType.STRING), optional("algorithm", InputType.HASH_ALGORITHM),
                        optional("ignoreCertificateErrors", InputType.BOOLEAN)),
                        List.of("destination"), new WebDownload()),
                new ModuleSpec("S3Download", ALL, InputShape.LIST, List.of(required("source", InputType.STRING),
                        required("destination", InputType.STRING), optional("expectedBucketOwner", InputType.STRING),
                        optional("overwrite", InputType.BOOLEAN)),
                        List.of(), new S3Download()),
                new ModuleSpec("S3Upload", ALL, InputShape.LIST, List.of(required("source", InputType.STRING),
                        required("destination", InputType.STRING), optional("recurse", InputType.BOOLEAN),
                        optional("expectedBucketOwner", InputType.STRING)),
                        List.of(), new S3Upload()));
    }
}
