package dev.cab.model.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where a stage serves {@code /metrics}, {@code /health/live} and {@code /health/ready}.
 *
 * @param address {@value CommonSettings#LISTEN_ADDRESS}: the interface every server of the stage
 *     listens on ({@value CommonSettings#DEFAULT_LISTEN_ADDRESS} by default)
 * @param port {@value CommonSettings#MANAGEMENT_PORT}: {@value
 *     CommonSettings#DEFAULT_MANAGEMENT_PORT} by default; 0 picks a free port, -1 turns it off
 */
public record ManagementConfig(String address, int port) {

  /** No management server (tests that do not scrape). */
  public static final ManagementConfig DISABLED =
      new ManagementConfig(CommonSettings.DEFAULT_LISTEN_ADDRESS, -1);

  /** Reads the listen address and the management port; problems go to {@code values}. */
  public static ManagementConfig read(ConfigValues values) {
    String address = listenAddress(values);
    int port =
        values.intValue(
            CommonSettings.MANAGEMENT_PORT, CommonSettings.DEFAULT_MANAGEMENT_PORT, -1, 65535);
    return new ManagementConfig(address, port);
  }

  /** Reads {@value CommonSettings#LISTEN_ADDRESS} and checks that it resolves. */
  public static String listenAddress(ConfigValues values) {
    String address =
        values.string(CommonSettings.LISTEN_ADDRESS, CommonSettings.DEFAULT_LISTEN_ADDRESS);
    checkAddress(values, CommonSettings.LISTEN_ADDRESS, address);
    return address;
  }

  /** Adds a problem when {@code address} is not a known address. */
  public static void checkAddress(ConfigValues values, String key, String address) {
    try {
      InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      values.problem(key, "'" + address + "' is not a known address");
    }
  }

  /** Whether the address reaches beyond this machine. */
  public static boolean isBeyondLoopback(String address) {
    try {
      return !InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return true;
    }
  }

  public boolean enabled() {
    return port >= 0;
  }
}
