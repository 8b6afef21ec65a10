package dev.kiln.common.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreesTest {
    @TempDir
    Path dir;

    @Test
    void deletesAWholeTree() throws IOException {
        Path root = tree();

        Trees.delete(root);

        assertThat(root).doesNotExist();
    }

    @Test
    void neverFollowsALinkOutOfTheTree() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("keep.txt"), "precious");
        Path root = tree();
        Files.createSymbolicLink(root.resolve("link-to-outside"), outside);
        Files.createSymbolicLink(root.resolve("a/link-to-file"), outside.resolve("keep.txt"));

        Trees.delete(root);

        assertThat(root).doesNotExist();
        assertThat(outside.resolve("keep.txt")).hasContent("precious");
    }

    @Test
    void aLinkAsTheRootIsRemovedNotItsTarget() throws IOException {
        Path target = tree();
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);

        Trees.delete(link);

        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(target.resolve("a/b/c.txt")).exists();
    }

    @Test
    void nothingToDoWhenItIsNotThere() throws IOException {
        Trees.delete(dir.resolve("nothing"));
        assertThat(Trees.deleteQuietly(dir.resolve("nothing"))).isTrue();
        Path file = Files.writeString(dir.resolve("file"), "x");
        Trees.delete(file);
        assertThat(file).doesNotExist();
    }

    private Path tree() throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("a/b"));
        Files.createDirectories(root.resolve("empty"));
        Files.writeString(root.resolve("top.txt"), "top");
        Files.writeString(root.resolve("a/b/c.txt"), "c");
        return root;
    }
}
