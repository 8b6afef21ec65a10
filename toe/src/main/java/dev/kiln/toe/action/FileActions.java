package dev.kiln.toe.action;

/** What the file and folder modules do. */
final class FileActions {
    private FileActions() {
    }

    static Action unimplemented(String name) {
        return ctx -> {
            throw new StepFailedException(name + " is not implemented yet");
        };
    }
}
