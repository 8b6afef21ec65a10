package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildFileTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void readsTheRecipeItsComponentsBesideTheFileAndTheInfrastructure() throws Exception {
        write("hello.yaml", "name: Hello\nschemaVersion: 1.0\nphases: []\n");
        BuildFile build = BuildFile.read(write("build.yaml", """
                name: web
                semanticVersion: 1.2.3
                parentImage: debian-12-x86
                workingDirectory: /opt/build
                components:
                  - path: hello.yaml
                    parameters: {Greeting: hi, Count: 3}
                infrastructure:
                  instanceTypes: [kiln.sandbox]
                  terminateInstanceOnFailure: false
                imageTestsConfiguration: {imageTestsEnabled: false}
                """));

        assertThat(build.region()).isEqualTo("us-east-1");
        assertThat(build.recipe().path("semanticVersion").asText()).isEqualTo("1.2.3");
        assertThat(build.recipe().path("workingDirectory").asText()).isEqualTo("/opt/build");
        assertThat(build.components()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("hello");
            assertThat(c.document()).startsWith("name: Hello");
            assertThat(c.parameters().path("Count").asText()).isEqualTo("3");
        });
        assertThat(build.infrastructure().path("instanceTypes").path(0).asText()).isEqualTo("kiln.sandbox");
        assertThat(build.infrastructure().path("terminateInstanceOnFailure").isBoolean()).isTrue();
        assertThat(build.imageTestsConfiguration().path("imageTestsEnabled").asBoolean(true)).isFalse();
    }

    @Test
    void everyProblemIsReportedWithItsLineAndColumn() throws Exception {
        Path file = write("build.yaml", """
                name: web
                parentImage: debian-12-x86
                colour: blue
                components:
                  - path: missing.yaml
                  - 42
                """);

        assertThatThrownBy(() -> BuildFile.read(file)).isInstanceOf(UserError.class)
                .hasMessageContaining(file + ":3:1: unknown field 'colour'")
                .hasMessageContaining("missing 'semanticVersion'")
                .hasMessageContaining(file + ":5:11: cannot read the component")
                .hasMessageContaining("missing.yaml: no such file")
                .hasMessageContaining(file + ":6:5: each component is {path: FILE");
    }

    @Test
    void aFileThatIsNotYamlOrMissingSaysSo() throws Exception {
        assertThatThrownBy(() -> BuildFile.read(dir.resolve("none.yaml")))
                .hasMessageContaining("none.yaml: no such file");
        assertThatThrownBy(() -> BuildFile.read(write("bad.yaml", "name: [unclosed\n")))
                .hasMessageContaining("bad.yaml:");
        assertThatThrownBy(() -> BuildFile.read(write("list.yaml", "- a\n- b\n")))
                .hasMessageContaining("a build file is a mapping");
    }

    @Test
    void aDockerfileTemplateBesideTheFileMakesAContainerRecipe() throws Exception {
        write("Dockerfile.kiln", "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:components }}}\n");
        BuildFile build = BuildFile.read(write("build.yaml", """
                name: app
                semanticVersion: 1.0.0
                parentImage: debian-12-container
                dockerfile: Dockerfile.kiln
                targetRepository: {repositoryName: team/app}
                """));

        assertThat(build.container()).isTrue();
        assertThat(build.recipe().path("dockerfileTemplateData").asText()).startsWith("FROM {{{ imagebuilder:parentImage");
        assertThat(build.recipe().path("targetRepository").path("service").asText()).isEqualTo("ECR");
        assertThat(build.recipe().path("containerType").asText()).isEqualTo("DOCKER");
    }

    @Test
    void aContainerRecipeWithoutTemplateOrRepositoryOrWithImageOnlyMembersIsRefusedWithLines() throws Exception {
        Path file = write("build.yaml", """
                name: app
                semanticVersion: 1.0.0
                parentImage: debian-12-container
                dockerfile: nowhere.kiln
                blockDeviceMappings: []
                """);

        assertThatThrownBy(() -> BuildFile.read(file)).isInstanceOf(UserError.class)
                .hasMessageContaining("build.yaml:4:13: cannot read the Dockerfile template")
                .hasMessageContaining("build.yaml:5:22: 'blockDeviceMappings' belongs to image recipes")
                .hasMessageContaining("needs targetRepository");
    }
}
