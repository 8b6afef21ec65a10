package dev.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./kiln}: the one entry point for people and scripts. */
@Command(name = "kiln", mixinStandardHelpOptions = true, version = "kiln 0.1.0",
        description = "A self-hosted EC2 Image Builder.",
        subcommands = {ToeCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
