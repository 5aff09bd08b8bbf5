package dev.mcpratelimit.identity;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The proxies whose {@code X-Forwarded-For} the agent believes ({@code trusted-proxies}): IP
 * addresses or CIDR blocks, IPv4 or IPv6. Only literal addresses are accepted, so that checking
 * one never costs a DNS lookup.
 */
public final class TrustedProxies {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private record Block(byte[] network, int prefixBits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefixBits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  public static final TrustedProxies NONE = new TrustedProxies(List.of());

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  /**
   * Parses a comma-separated list such as {@code 10.0.0.0/8, 127.0.0.1, ::1}.
   *
   * @throws IllegalArgumentException naming the entry that is not an address or block
   */
  public static TrustedProxies parse(String list) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : list.split(",")) {
      String text = entry.strip();
      if (text.isEmpty()) {
        continue;
      }
      int slash = text.indexOf('/');
      byte[] network = literal(slash < 0 ? text : text.substring(0, slash));
      if (network == null) {
        throw new IllegalArgumentException("\"" + text + "\" is not an IP address or CIDR block");
      }
      int bits = network.length * 8;
      if (slash >= 0) {
        String prefix = text.substring(slash + 1);
        if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > bits) {
          throw new IllegalArgumentException("\"" + text + "\" has a bad prefix length (0-" + bits + ")");
        }
        bits = Integer.parseInt(prefix);
      }
      blocks.add(new Block(network, bits));
    }
    return new TrustedProxies(blocks);
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  public boolean contains(String address) {
    byte[] bytes = address == null ? null : literal(address.strip());
    if (bytes == null) {
      return false;
    }
    for (Block block : blocks) {
      if (block.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The address in one canonical form ({@code ::ffff:10.1.2.3} is {@code 10.1.2.3}), or
   * {@code null} if {@code text} is no IPv4 or IPv6 literal (never resolves a name).
   */
  static String canonical(String text) {
    byte[] bytes = literal(text);
    try {
      return bytes == null ? null : InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Whether {@code text} is an IPv4 or IPv6 literal (never resolves a name). */
  static boolean isAddress(String text) {
    return literal(text) != null;
  }

  /** The address's bytes if it is an IP literal, else {@code null} (never resolves a name). */
  private static byte[] literal(String text) {
    String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (!IPV4.matcher(bare).matches() && !IPV6.matcher(bare).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(bare).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
