package dev.kiln.server.ec2;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The parameters of an EC2 Query request ({@code Action=DescribeImages&ImageId.1=ami-...}), with the
 * protocol's flattened lists: {@code Owner.1}, {@code Filter.1.Name} / {@code Filter.1.Value.1},
 * {@code LaunchPermission.Add.1.UserId}. List indexes start at 1 and need not be contiguous; they are
 * read in numeric order.
 */
record Ec2Form(Map<String, String> params) {

    /** A filter: one name, any of its values (which may hold {@code *} and {@code ?}). */
    record Filter(String name, List<String> values) {
        Filter {
            values = List.copyOf(values);
        }
    }

    /** One launch permission: a user id or a group ({@code all}). */
    record Permission(String userId, String group) {
    }

    Ec2Form {
        params = Map.copyOf(params);
    }

    /** Parses an {@code application/x-www-form-urlencoded} body (the last value of a repeated name wins). */
    static Ec2Form parse(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        if (body != null) {
            for (String pair : body.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                params.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return new Ec2Form(params);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Ec2Exception("InvalidParameterValue", "The request body is not form-encoded correctly");
        }
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(params.get(name));
    }

    String required(String name) {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            throw Ec2Exception.missing(name);
        }
        return value;
    }

    boolean flag(String name) {
        return get(name).map(v -> v.equalsIgnoreCase("true")).orElse(false);
    }

    /** The values of {@code prefix.1}, {@code prefix.2}, ... in index order. */
    List<String> list(String prefix) {
        return new ArrayList<>(indexed(prefix, "").values());
    }

    /** {@code Filter.N.Name} with its {@code Filter.N.Value.M}. */
    List<Filter> filters() {
        List<Filter> filters = new ArrayList<>();
        for (Map.Entry<Integer, String> name : indexed("Filter", ".Name").entrySet()) {
            filters.add(new Filter(name.getValue(), list("Filter." + name.getKey() + ".Value")));
        }
        return filters;
    }

    /** {@code prefix.N.UserId} / {@code prefix.N.Group}, e.g. for prefix {@code LaunchPermission.Add}. */
    List<Permission> permissions(String prefix) {
        TreeMap<Integer, Permission> out = new TreeMap<>();
        indexed(prefix, ".UserId").forEach((i, user) -> out.put(i, new Permission(user, null)));
        indexed(prefix, ".Group").forEach((i, group) -> out.merge(i, new Permission(null, group),
                (a, b) -> new Permission(a.userId(), b.group())));
        return new ArrayList<>(out.values());
    }

    /** Every {@code prefix.N suffix} parameter by N, in numeric order. */
    private TreeMap<Integer, String> indexed(String prefix, String suffix) {
        TreeMap<Integer, String> out = new TreeMap<>();
        String start = prefix + ".";
        params.forEach((key, value) -> {
            if (key.startsWith(start) && key.endsWith(suffix) && key.length() > start.length() + suffix.length()) {
                String index = key.substring(start.length(), key.length() - suffix.length());
                if (index.chars().allMatch(Character::isDigit) && index.length() < 7) {
                    out.put(Integer.parseInt(index), value);
                }
            }
        });
        return out;
    }
}
