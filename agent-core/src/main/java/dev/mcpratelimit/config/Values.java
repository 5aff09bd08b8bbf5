package dev.mcpratelimit.config;

import dev.mcpratelimit.core.Rate;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses single values; a bad value throws {@link BadValue} with a message for the operator. */
final class Values {

  static final class BadValue extends Exception {
    BadValue(String message) {
      super(message, null, false, false);
    }
  }

  private static final Pattern RATE = Pattern.compile("(-?[0-9]+)\\s*/\\s*([A-Za-z]*)");

  private Values() {}

  static Rate rate(String value) throws BadValue {
    Matcher m = RATE.matcher(value);
    if (!m.matches()) {
      throw new BadValue(ProblemReport.quoted(value) + " is not a rate; write tokens/unit, e.g. 10/min");
    }
    long tokens = positive(m.group(1), "the number of tokens");
    TimeUnit unit = switch (m.group(2)) {
      case "s" -> TimeUnit.SECONDS;
      case "min" -> TimeUnit.MINUTES;
      case "h" -> TimeUnit.HOURS;
      case "day" -> TimeUnit.DAYS;
      default -> throw new BadValue("bad unit " + ProblemReport.quoted(m.group(2)) + " in " + ProblemReport.quoted(value) + "; use /s, /min, /h or /day");
    };
    return new Rate(tokens, unit);
  }

  static long positive(String value, String what) throws BadValue {
    if (!value.matches("-?[0-9]+")) {
      throw new BadValue(ProblemReport.quoted(value) + " is not a whole number; " + what + " must be a positive whole number");
    }
    long number;
    try {
      number = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new BadValue(ProblemReport.quoted(value) + " is too large");
    }
    if (number <= 0) {
      throw new BadValue(what + " must be positive, not " + ProblemReport.printable(value, ProblemReport.MAX_VALUE_CHARS));
    }
    return number;
  }

  static boolean bool(String value) throws BadValue {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new BadValue(ProblemReport.quoted(value) + " is not true or false");
    };
  }

  static <E extends Enum<E>> E choice(String value, Class<E> type) throws BadValue {
    for (E constant : type.getEnumConstants()) {
      // Not equalsIgnoreCase: it takes U+017F (long s) for an s.
      if (spelled(constant).equals(value.toLowerCase(Locale.ROOT))) {
        return constant;
      }
    }
    StringBuilder allowed = new StringBuilder();
    for (E constant : type.getEnumConstants()) {
      allowed.append(allowed.length() == 0 ? "" : " | ").append(spelled(constant));
    }
    throw new BadValue(ProblemReport.quoted(value) + " is not one of " + allowed);
  }

  /** A choice as the file spells it: lower case, {@code -} for {@code _} ({@code x-ratelimit}). */
  private static String spelled(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
