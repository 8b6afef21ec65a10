package dev.kiln.toe.action;

import static dev.kiln.toe.action.InputField.optional;
import static dev.kiln.toe.action.InputField.required;

import dev.kiln.toe.target.Platform;
import java.util.List;
import java.util.Set;

/** Running programs and documents, assertions, reboots; and the Windows-only modules. */
final class CoreModules {
    private static final Set<Platform> ALL = Set.of(Platform.LINUX, Platform.WINDOWS, Platform.MACOS);
    private static final Set<Platform> UNIX = Set.of(Platform.LINUX, Platform.MACOS);
    private static final Set<Platform> WINDOWS = Set.of(Platform.WINDOWS);

    private CoreModules() {
    }

    static List<ModuleSpec> specs() {
        return List.of(
                new ModuleSpec("ExecuteBash", UNIX, InputShape.MAP,
                        List.of(required("commands", InputType.STRING_LIST)), List.of("stdout"),
                        new ExecuteBash()),
                new ModuleSpec("ExecuteBinary", ALL, InputShape.MAP,
                        List.of(required("path", InputType.STRING), optional("arguments", InputType.STRING_LIST)),
                        List.of("stdout"), new ExecuteBinary()),
                new ModuleSpec("ExecuteDocument", ALL, InputShape.MAP,
                        List.of(required("document", InputType.STRING),
                                optional("document-s3-bucket-owner", InputType.STRING),
                                optional("phases", InputType.STRING),
                                optional("parameters", InputType.NAME_VALUE_LIST)),
                        List.of("status", "executedStepCount", "failedStepCount", "ignoredFailedStepCount",
                                "failureMessage"), new ExecuteDocument()),
                new ModuleSpec("Assert", ALL, InputShape.EXPRESSION, List.of(), List.of(), new Assert()),
                new ModuleSpec("Reboot", ALL, InputShape.OPTIONAL_MAP,
                        List.of(optional("delaySeconds", InputType.INTEGER)), List.of(), new Reboot()),
                new ModuleSpec("ExecutePowerShell", WINDOWS, InputShape.MAP,
                        List.of(optional("commands", InputType.STRING_LIST), optional("file", InputType.STRING)),
                        List.of("stdout"), null),
                new ModuleSpec("InstallMSI", WINDOWS, InputShape.MAP, msiFields(), List.of(), null),
                new ModuleSpec("UninstallMSI", WINDOWS, InputShape.MAP, msiFields(), List.of(), null),
                new ModuleSpec("SetRegistry", WINDOWS, InputShape.LIST,
                        List.of(required("path", InputType.STRING), required("name", InputType.STRING),
                                required("value", InputType.ANY), required("type", InputType.STRING)),
                        List.of(), null));
    }

    private static List<InputField> msiFields() {
        return List.of(required("path", InputType.STRING), optional("reboot", InputType.STRING),
                optional("logOptions", InputType.STRING), optional("logFile", InputType.STRING),
                optional("properties", InputType.STRING_MAP),
                optional("ignoreAuthenticodeSignatureErrors", InputType.BOOLEAN),
                optional("allowUnsignedInstaller", InputType.BOOLEAN));
    }
}
