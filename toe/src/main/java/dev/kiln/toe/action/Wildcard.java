package dev.kiln.toe.action;

import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A file name pattern in which * stands for any run of characters, the only wildcard AWSTOE has. */
record Wildcard(String pattern, Pattern regex) {

    static Wildcard of(String pattern) {
        // Everything but * is literal: a name such as "app[1].log" must match only itself.
        String regex = Arrays.stream(pattern.split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*"));
        return new Wildcard(pattern, Pattern.compile(regex, Pattern.DOTALL));
    }

    boolean matches(String name) {
        return regex.matcher(name).matches();
    }
}
