package dev.cab.alerts.lifecycle;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The stable id of an alert: the first 16 bytes of SHA-256 over the rule and the labels (sweep,
 * baseline, tui, model, task), as 32 hex characters. The same hypothesis always gets the same
 * fingerprint, in every process and across restarts.
 */
public final class Fingerprints {
  private Fingerprints() {}

  public static String of(
      String rule, String sweep, String baseline, String tui, String model, String task) {
    String canonical =
        String.join("\u001f", "cab-alert-v1", rule, sweep, baseline, tui, model, task);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
