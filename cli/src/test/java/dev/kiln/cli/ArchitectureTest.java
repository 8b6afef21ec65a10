package dev.kiln.cli;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The layering of Kiln's modules, checked on the main classes of all of them (here, because the cli
 * module has every other module on its classpath): each module depends only on the modules below it
 * (common, toe, core, machines, server, cli, in that order, with machines and server free to use all
 * below them), no module has a cycle between its packages, and the ports that machines implements
 * ({@code core.machine}, {@code core.container}) know nothing of the orchestrator ({@code core.build}).
 *
 * <p>Modules are told apart by package: module {@code x} is {@code dev.kiln.x..}. Test classes and
 * other jars than Kiln's are not imported; {@link #importsTheMainClassesOfEveryModuleAndNoTests} makes
 * sure that leaves something to check, in {@code mvn test} (modules as class folders) as in
 * {@code mvn verify} (modules as jars).
 */
class ArchitectureTest {
    /** Kiln's modules, lowest first: a module may depend on those before it, never on those after. */
    static final List<String> MODULES = List.of("common", "toe", "core", "machines", "server", "cli");

    /** Jars of other projects, and Kiln's test-jars, are not Kiln's main code. */
    private static final ImportOption ONLY_KILN_JARS = new ImportOption() {
        private final Pattern kilnJar = Pattern.compile(".*/kiln-[a-z]+-[^/]*\\.jar!/.*");
        private final Pattern testJar = Pattern.compile(".*-tests\\.jar!/.*");

        @Override
        public boolean includes(Location location) {
            return !location.isJar() || (location.matches(kilnJar) && !location.matches(testJar));
        }
    };

    static final JavaClasses KILN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ONLY_KILN_JARS)
            .importPackages("dev.kiln");

    static String pkg(String module) {
        return "dev.kiln." + module + "..";
    }

    @Test
    void importsTheMainClassesOfEveryModuleAndNoTests() {
        for (String module : MODULES) {
            assertThat(KILN.that(JavaClass.Predicates.resideInAPackage(pkg(module))).size())
                    .as("main classes of module %s", module).isGreaterThan(0);
        }
        assertThat(KILN.contain(ArchitectureTest.class)).isFalse();
        assertThat(KILN.stream().map(JavaClass::getName)).doesNotContain(
                "dev.kiln.common.s3.FakeS3", "dev.kiln.common.sigv4.AwsSigV4TestSuite");
    }

    @Test
    void everyClassBelongsToAModule() {
        classes().that().resideInAPackage("dev.kiln..")
                .should().resideInAnyPackage(MODULES.stream().map(ArchitectureTest::pkg).toArray(String[]::new))
                .check(KILN);
    }

    static Stream<Arguments> modules() {
        return MODULES.stream().map(Arguments::of);
    }

    /**
     * Module direction: common on no other module, toe on common only, core on common and toe,
     * machines not on server or cli, server not on cli. Dependencies outside Kiln are not this rule's
     * business (Maven's dependency lists are).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void aModuleDependsOnlyOnTheModulesBelowIt(String module) {
        List<String> allowed = new ArrayList<>();
        for (String below : MODULES.subList(0, MODULES.indexOf(module) + 1)) {
            allowed.add(pkg(below));
        }
        classes().that().resideInAPackage(pkg(module))
                .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.kiln..")
                        .or(resideInAnyPackage(allowed.toArray(String[]::new))))
                .as("module " + module + " depends on no Kiln module but " + String.join(", ",
                        MODULES.subList(0, MODULES.indexOf(module) + 1)))
                .check(KILN);
    }

    /**
     * No package of a module in a cycle with others of the same module. One slice a package (its
     * whole name, root package of the module included: {@code dev.kiln.(**)} gives {@code core} for
     * {@code dev.kiln.core} and {@code core.api} for {@code dev.kiln.core.api}), the slices of one
     * module at a time.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void aModuleHasNoCyclesBetweenItsPackages(String module) {
        slices().matching("dev.kiln.(**)")
                .that(describe("are packages of module " + module, slice -> {
                    String pkg = slice.getNamePart(1);
                    return pkg.equals(module) || pkg.startsWith(module + ".");
                }))
                .should().beFreeOfCycles()
                .check(KILN);
    }

    /**
     * The ports machines implements (targets, machine images, containers) carry no import of the
     * build orchestrator that drives them.
     */
    @Test
    void thePortsKnowNothingOfTheOrchestrator() {
        noClasses().that().resideInAnyPackage("dev.kiln.core.machine..", "dev.kiln.core.container..")
                .should().dependOnClassesThat().resideInAPackage("dev.kiln.core.build..")
                .check(KILN);
    }

    /** The component runner (toe) works alone, as AWS's TOE does: of Kiln it uses only common. */
    @Test
    void toeUsesNothingOfKilnButCommon() {
        noClasses().that().resideInAPackage("dev.kiln.toe..")
                .should().dependOnClassesThat()
                .resideInAnyPackage(pkg("core"), pkg("machines"), pkg("server"), pkg("cli"))
                .check(KILN);
    }
}
