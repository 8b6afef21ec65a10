package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./kiln}: the one entry point for people and scripts. */
@Command(name = "kiln", mixinStandardHelpOptions = true, version = "kiln 0.1.0",
        description = "A self-hosted EC2 Image Builder.",
        subcommands = {QuickstartCommand.class, ToeCommand.class, ServerCommand.class, BuildCommand.class, ImagesCommand.class,
                BaseImagesCommand.class, AccountsCommand.class,
                KeysCommand.class, TopicsCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UserError u) {
                commandLine.getErr().println("kiln: " + u.getMessage());
                return u.exitCode();
            }
            boolean trace = java.util.Arrays.asList(parseResult.originalArgs()).contains("--trace")
                    || java.util.Arrays.asList(parseResult.originalArgs()).contains("-t");
            if (trace) {
                e.printStackTrace(commandLine.getErr());
            } else {
                commandLine.getErr().println("kiln: internal error: " + e + " (run with --trace for details)");
            }
            return 70;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
