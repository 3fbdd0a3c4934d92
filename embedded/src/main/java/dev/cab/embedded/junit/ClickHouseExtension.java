package dev.cab.embedded.junit;

import dev.cab.embedded.clickhouse.EmbeddedClickHouse;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test classes a real ClickHouse: {@code @ExtendWith(ClickHouseExtension.class)}, then ask
 * for a {@link ClickHouseTestServer} parameter (constructor, {@code @BeforeAll}, test methods).
 *
 * <ul>
 *   <li>One server for the whole test run of a module: started on first use (in a child JVM, see
 *       {@link EmbeddedClickHouse}), kept in the root context's store and stopped when the run
 *       ends. If the environment variable {@code CLICKHOUSE_URL} is set, that external server is
 *       used instead ({@code CLICKHOUSE_USER}, default {@code default}; {@code
 *       CLICKHOUSE_PASSWORD}, default empty), so the same tests run against any ClickHouse.
 *   <li>A fresh database per test class, {@code t_<class>_<random>}, created before the class and
 *       dropped after it.
 * </ul>
 *
 * Thread-safe as JUnit requires: the store serialises the start of the shared server.
 */
public final class ClickHouseExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(ClickHouseExtension.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  public void beforeAll(ExtensionContext context) {
    SharedServer server =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .computeIfAbsent(SharedServer.class, k -> SharedServer.start(), SharedServer.class);
    String database = databaseName(context.getRequiredTestClass());
    ClickHouseTestServer test =
        new ClickHouseTestServer(server.url, database, server.user, server.password);
    test.queryIn("default", "CREATE DATABASE " + database);
    context.getStore(NAMESPACE).put(ClickHouseTestServer.class, test);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    ClickHouseTestServer test =
        context.getStore(NAMESPACE).remove(ClickHouseTestServer.class, ClickHouseTestServer.class);
    if (test != null) {
      test.queryIn("default", "DROP DATABASE IF EXISTS " + test.database());
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ClickHouseTestServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      ClickHouseTestServer test =
          c.getStore(NAMESPACE).get(ClickHouseTestServer.class, ClickHouseTestServer.class);
      if (test != null) {
        return test;
      }
    }
    throw new IllegalStateException(
        "no ClickHouse database for "
            + context.getUniqueId()
            + ": register ClickHouseExtension"
            + " on the test class (@ExtendWith), not on a method");
  }

  static String databaseName(Class<?> testClass) {
    String name = testClass.getSimpleName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    if (name.length() > 40) {
      name = name.substring(0, 40);
    }
    byte[] random = new byte[4];
    RANDOM.nextBytes(random);
    return "t_" + name + "_" + HexFormat.of().formatHex(random);
  }

  /** The server of the whole run; closed by JUnit with the root context. */
  static final class SharedServer implements AutoCloseable {
    final String url;
    final String user;
    final String password;
    private final EmbeddedClickHouse embedded;

    private SharedServer(String url, String user, String password, EmbeddedClickHouse embedded) {
      this.url = url;
      this.user = user;
      this.password = password;
      this.embedded = embedded;
    }

    static SharedServer start() {
      String external = System.getenv("CLICKHOUSE_URL");
      if (external != null && !external.isBlank()) {
        String user = System.getenv().getOrDefault("CLICKHOUSE_USER", "default");
        String password = System.getenv().getOrDefault("CLICKHOUSE_PASSWORD", "");
        return new SharedServer(stripSlash(external.strip()), user, password, null);
      }
      EmbeddedClickHouse embedded = EmbeddedClickHouse.builder().port(0).build().start();
      return new SharedServer(embedded.url(), "default", "", embedded);
    }

    private static String stripSlash(String url) {
      return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public void close() {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
