package dev.mcpratelimit.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

  @Test
  void matchesAddressesAndBlocksOfBothFamilies() {
    TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7, 2001:db8::/32, ::1, 172.16.0.0/12");
    assertTrue(proxies.contains("10.255.0.1"));
    assertTrue(proxies.contains("192.168.1.7"));
    assertFalse(proxies.contains("192.168.1.8"));
    assertTrue(proxies.contains("172.31.255.255"));
    assertFalse(proxies.contains("172.32.0.0"));
    assertTrue(proxies.contains("2001:db8:1::5"));
    assertTrue(proxies.contains("[::1]"));
    assertFalse(proxies.contains("2001:db9::1"));
    assertFalse(proxies.contains("not-an-address"), "names are never resolved");
    assertFalse(proxies.contains(null));
  }

  @Test
  void rejectsNamesAndBadPrefixes() {
    assertEquals("\"proxy.internal\" is not an IP address or CIDR block",
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("proxy.internal")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("::1/129"));
    assertFalse(TrustedProxies.parse("").contains("127.0.0.1"));
  }
}
