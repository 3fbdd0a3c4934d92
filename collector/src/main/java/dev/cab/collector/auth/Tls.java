package dev.cab.collector.auth;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** The server side of TLS from a keystore file (PKCS#12 or JKS, detected by the JDK). */
public final class Tls {
  private Tls() {}

  /**
   * The key managers of a keystore.
   *
   * @throws IllegalStateException naming the file when it cannot be loaded (wrong password, no key)
   */
  public static KeyManagerFactory keyManagers(Path keystore, String password) {
    char[] pw = password.toCharArray();
    try {
      KeyStore ks = KeyStore.getInstance(keystore.toFile(), pw);
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      return kmf;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the TLS keystore " + keystore + ": " + e, e);
    }
  }

  /** An SSL context serving the keystore's certificate. */
  public static SSLContext serverContext(Path keystore, String password) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keyManagers(keystore, password).getKeyManagers(), null, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS from " + keystore + ": " + e, e);
    }
  }
}
