package dev.kiln.cli;

import dev.kiln.core.log.BuildFailure;
import dev.kiln.machines.host.HostPackages;
import dev.kiln.machines.host.HostPrograms;

/**
 * The host programs a command needs, from Kiln's one list of host packages ({@link HostPackages}, the file
 * {@code machines/src/main/resources/dev/kiln/machines/host/packages.txt}). A command checks them before it
 * starts and, when one is missing, stops at once naming its Debian package and the command that installs
 * every package Kiln needs, {@code sudo ./kiln setup} (which {@code ./kiln quickstart} runs first). Commands
 * that build images through the orchestrator need no check here: a build checks its own programs when it
 * starts.
 */
final class Prerequisites {
    private Prerequisites() {
    }

    /** The programs of the features. */
    static void require(HostPackages.Feature... features) {
        try {
            HostPrograms.requireFor(features);
        } catch (BuildFailure e) {
            throw new UserError(e.getMessage(), ExitCodes.FAILED);
        }
    }

    /** Listed programs. */
    static void requireAll(String... programs) {
        try {
            HostPrograms.requireAll(programs);
        } catch (BuildFailure e) {
            throw new UserError(e.getMessage(), ExitCodes.FAILED);
        }
    }
}
