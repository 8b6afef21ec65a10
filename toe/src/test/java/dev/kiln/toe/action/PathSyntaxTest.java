package dev.kiln.toe.action;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.toe.target.Platform;
import org.junit.jupiter.api.Test;

class PathSyntaxTest {
    private final PathSyntax unix = PathSyntax.of(Platform.LINUX);
    private final PathSyntax windows = PathSyntax.of(Platform.WINDOWS);

    @Test
    void trimDropsTrailingSeparatorsButKeepsRoots() {
        assertThat(unix.trim("/a/b//")).isEqualTo("/a/b");
        assertThat(unix.trim("/")).isEqualTo("/");
        assertThat(windows.trim("C:\\dir\\")).isEqualTo("C:\\dir");
        assertThat(windows.trim("C:\\")).isEqualTo("C:\\");
    }

    @Test
    void backslashSeparatesOnlyOnWindows() {
        assertThat(unix.name("/a/b\\c")).isEqualTo("b\\c");
        assertThat(windows.name("C:\\a\\b")).isEqualTo("b");
        assertThat(windows.endsWithSeparator("C:\\a\\")).isTrue();
        assertThat(unix.endsWithSeparator("/a\\")).isFalse();
    }

    @Test
    void nameIsTheLastElementEvenWithATrailingSeparator() {
        assertThat(unix.name("/a/b/")).isEqualTo("b");
        assertThat(unix.name("b")).isEqualTo("b");
    }

    @Test
    void parentIsTheHoldingFolderOrNullForABareNameOrRoot() {
        assertThat(unix.parent("/a/b")).isEqualTo("/a");
        assertThat(unix.parent("/a/b/")).isEqualTo("/a");
        assertThat(unix.parent("/a")).isEqualTo("/");
        assertThat(unix.parent("/")).isNull();
        assertThat(unix.parent("a")).isNull();
        assertThat(windows.parent("C:\\a")).isEqualTo("C:\\");
    }

    @Test
    void joinUsesTheSeparatorTheFolderAlreadyHas() {
        assertThat(unix.join("/a", "b")).isEqualTo("/a/b");
        assertThat(unix.join("/a/", "b")).isEqualTo("/a/b");
        assertThat(windows.join("C:\\a", "b")).isEqualTo("C:\\a\\b");
        assertThat(windows.join("C:/a", "b")).isEqualTo("C:/a/b");
    }

    @Test
    void absolutePathsStartAtARootOrADrive() {
        assertThat(unix.isAbsolute("/a")).isTrue();
        assertThat(unix.isAbsolute("a/b")).isFalse();
        assertThat(unix.isAbsolute("C:\\a")).isFalse();
        assertThat(windows.isAbsolute("C:\\a")).isTrue();
    }

    @Test
    void isWithinComparesWholeElements() {
        assertThat(unix.isWithin("/a/b", "/a")).isTrue();
        assertThat(unix.isWithin("/a/", "/a")).isTrue();
        assertThat(unix.isWithin("/ab", "/a")).isFalse();
        assertThat(unix.isWithin("/a", "/a/b")).isFalse();
        assertThat(unix.isWithin("/x", "/")).isTrue();
    }

    @Test
    void wildcardCountsOnlyInTheLastElement() {
        assertThat(unix.hasWildcard("/a/*.log")).isTrue();
        assertThat(unix.hasWildcard("/a*/b")).isFalse();
    }
}
