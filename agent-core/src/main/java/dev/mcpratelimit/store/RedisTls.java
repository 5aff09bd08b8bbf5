package dev.mcpratelimit.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for {@code rediss://}: the server's certificate is verified against the JVM's default trust
 * store, or against the CA certificate(s) of {@code store.redis.trust-store} (a PEM file) alone,
 * and its name (DNS or IP subject alternative name) must match the URL's host.
 */
public final class RedisTls {

  /** A PEM trust store larger than this is not a file of CA certificates. */
  static final long MAX_TRUST_STORE_BYTES = 1 << 20;

  private RedisTls() {}

  /**
   * The CA certificates of a PEM file, as a socket factory trusting only them.
   *
   * @throws IllegalArgumentException why the file cannot serve as a trust store, in one line
   */
  public static SSLSocketFactory trusting(Path pem) {
    try {
      if (!Files.isRegularFile(pem) || Files.size(pem) > MAX_TRUST_STORE_BYTES) {
        throw new IllegalArgumentException("not a regular file of at most 1 MiB");
      }
      byte[] text = Files.readAllBytes(pem);
      if (!new String(text, StandardCharsets.ISO_8859_1).contains("-----BEGIN CERTIFICATE-----")) {
        throw new IllegalArgumentException("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
      }
      Collection<? extends Certificate> certificates;
      try (InputStream in = new ByteArrayInputStream(text)) {
        certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("not a PEM file of certificates (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /** The JVM's default trust store, or {@code trustStore}'s certificates when one is named. */
  static SSLSocketFactory socketFactory(String trustStore) {
    return trustStore == null ? (SSLSocketFactory) SSLSocketFactory.getDefault() : trusting(Path.of(trustStore));
  }

  /** Verifies the server's name against its certificate during the handshake, as HTTPS does. */
  static SSLParameters verifyingHostName() {
    SSLParameters parameters = new SSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    return parameters;
  }
}
