package com.example.music;

import java.util.List;
import java.util.Map;

/**
 * Reads tool arguments. The SDK already validates them against each tool's input schema; these checks
 * keep a handler safe if a server is built with that validation turned off.
 */
final class Arguments {

    private Arguments() {
    }

    static String string(Map<String, Object> args, String name) {
        if (args.get(name) instanceof String value && !value.isBlank()) {
            return value;
        }
        throw new IllegalArgumentException("'" + name + "' must be a non-empty string");
    }

    static int integer(Map<String, Object> args, String name, int defaultValue, int max) {
        Object value = args.get(name);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number number && number.doubleValue() == number.intValue()
                && number.intValue() >= 1 && number.intValue() <= max) {
            return number.intValue();
        }
        throw new IllegalArgumentException("'" + name + "' must be an integer from 1 to " + max);
    }

    static List<String> strings(Map<String, Object> args, String name) {
        if (args.get(name) instanceof List<?> values && !values.isEmpty()
                && values.stream().allMatch(String.class::isInstance)) {
            return values.stream().map(String.class::cast).toList();
        }
        throw new IllegalArgumentException("'" + name + "' must be a non-empty array of strings");
    }
}
