package dev.kiln.toe.document;

/** A document constant: a named, immutable string. */
public record ConstantDefinition(String name, String type, String value) {
}
