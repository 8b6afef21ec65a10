package dev.kiln.toe.document;

import java.util.List;

/** A named, ordered list of steps ({@code build}, {@code validate}, {@code test}, ...). */
public record Phase(String name, List<Step> steps) {
    public Phase {
        steps = List.copyOf(steps);
    }
}
