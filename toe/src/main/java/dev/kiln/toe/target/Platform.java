package dev.kiln.toe.target;

/** Operating-system families that action modules are written for. */
public enum Platform {
    LINUX, WINDOWS, MACOS;

    public String displayName() {
        return switch (this) {
            case LINUX -> "Linux";
            case WINDOWS -> "Windows";
            case MACOS -> "macOS";
        };
    }
}
