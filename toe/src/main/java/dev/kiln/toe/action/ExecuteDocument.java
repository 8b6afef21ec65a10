package dev.kiln.toe.action;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs another component document on the same machine. Its outputs are the nested run's summary
 * fields (status, executedStepCount, failedStepCount, ignoredFailedStepCount, failureMessage).
 */
final class ExecuteDocument implements Action {

    @Override
    public ActionResult run(ActionContext context) throws StepFailedException, InterruptedException {
        Inputs in = context.inputs();
        String document = in.string("document");
        List<String> phases = new ArrayList<>();
        if (in.has("phases")) {
            Arrays.stream(in.string("phases").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .forEach(phases::add);
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        Object raw = in.raw("parameters");
        if (raw instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && m.get("name") != null) {
                    Object v = m.get("value");
                    parameters.put(m.get("name").toString(), v instanceof List<?> l
                            ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v));
                }
            }
        }
        context.log("Running document " + document);
        ActionContext.NestedResult result = context.nested().run(document, phases, parameters);
        if (result.rebootRequested()) {
            return new ActionResult(Map.of(), ActionResult.Reboot.THEN_RERUN_STEP);
        }
        if (!result.succeeded()) {
            throw new StepFailedException("ExecuteDocument: " + document + " failed: " + result.failureMessage());
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        result.summary().forEach((k, v) -> outputs.put(k, String.valueOf(v)));
        return ActionResult.of(outputs);
    }
}
