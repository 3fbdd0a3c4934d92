package dev.cab.runner.internal;

import java.util.Objects;

/** Validation of OTLP hex ids. Not API. */
public final class Hex {
  private Hex() {}

  /**
   * Checks a trace or span id: exactly {@code length} lower-case hex characters, not all zero.
   *
   * @throws IllegalArgumentException naming {@code name} otherwise
   */
  public static String requireId(String id, int length, String name) {
    Objects.requireNonNull(id, name);
    if (id.length() != length) {
      throw new IllegalArgumentException(
          name + " must be " + length + " hex characters, got " + id.length() + ": " + id);
    }
    boolean allZero = true;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException(name + " must be lower-case hex: " + id);
      }
      allZero &= c == '0';
    }
    if (allZero) {
      throw new IllegalArgumentException(name + " must not be all zero");
    }
    return id;
  }
}
