package dev.kiln.toe.action;

/** One input an action module reads. */
public record InputField(String name, InputType type, boolean required) {
    public static InputField required(String name, InputType type) {
        return new InputField(name, type, true);
    }

    public static InputField optional(String name, InputType type) {
        return new InputField(name, type, false);
    }
}
