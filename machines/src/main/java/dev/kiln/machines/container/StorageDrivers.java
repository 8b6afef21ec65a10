package dev.kiln.machines.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Which storage driver Kiln's buildah storage uses: overlay (about twice as fast as vfs for builds),
 * or vfs where overlay cannot mount. The choice is written next to the storage, because a storage
 * folder filled by one driver shows nothing to the other: a later probe that answered differently
 * would hide every image Kiln already has.
 */
final class StorageDrivers {

    static final String OVERLAY = "overlay";
    static final String VFS = "vfs";
    static final String OVERRIDE_VARIABLE = "KILN_STORAGE_DRIVER";
    static final String CHOICE_FILE = "kiln-storage-driver";

    /** Tries overlay in the storage for real; answers why it failed, or empty when it works. */
    interface OverlayProbe {
        Optional<String> failure() throws IOException, InterruptedException;
    }

    private StorageDrivers() {
    }

    /**
     * @param override KILN_STORAGE_DRIVER's value, if set: used as it is, and not remembered
     */
    static String choose(Optional<String> override, Path storageFolder, OverlayProbe probe, Consumer<String> note)
            throws IOException, InterruptedException {
        if (override.isPresent() && !override.get().isBlank()) {
            note.accept("storage driver " + override.get().strip() + " (from " + OVERRIDE_VARIABLE + ")");
            return override.get().strip();
        }
        Path file = storageFolder.resolve(CHOICE_FILE);
        if (Files.isRegularFile(file)) {
            String remembered = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!remembered.isEmpty()) {
                return remembered;
            }
        }
        Optional<String> failure = probe.failure();
        String driver = failure.isEmpty() ? OVERLAY : VFS;
        if (failure.isPresent()) {
            note.accept("overlay storage does not work in " + storageFolder + " (" + failure.get()
                    + "); using the vfs driver, which copies each layer in full");
        } else {
            note.accept("storage driver overlay in " + storageFolder);
        }
        Files.createDirectories(storageFolder);
        Files.writeString(file, driver + "\n", StandardCharsets.UTF_8);
        return driver;
    }
}
