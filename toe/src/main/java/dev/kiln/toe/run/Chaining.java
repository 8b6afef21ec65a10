package dev.kiln.toe.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values later steps of a document may chain to: each finished step's outputs and resolved
 * inputs, by "phase.step". Saved with the run, so chaining works across a reboot.
 */
final class Chaining {
    public Map<String, Map<String, String>> outputs = new LinkedHashMap<>();
    public Map<String, Object> inputs = new LinkedHashMap<>();
}
