package dev.cab.sink.clickhouse;

import com.clickhouse.jdbc.StatementImpl;
import dev.cab.sink.config.SinkSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * The sink's JDBC connection to ClickHouse and its {@link Inserter}: one batched {@link
 * PreparedStatement} per insert, which clickhouse-jdbc sends as a single {@code INSERT ... VALUES}
 * request (one block on the server: all rows land or none), carrying the batch's {@code
 * insert_deduplication_token}. Table names are qualified with the configured database, so the
 * connection itself needs no default database (the database may not exist before the migrations).
 *
 * <p>Not thread-safe: the consumer thread owns it.
 */
public final class ClickHouseConnector implements Inserter, AutoCloseable {
  private final SinkSettings settings;
  private Connection connection;

  private ClickHouseConnector(SinkSettings settings, Connection connection) {
    this.settings = settings;
    this.connection = connection;
  }

  /**
   * Connects and runs a trivial query, so an unreachable server or a wrong password shows now.
   *
   * @throws SQLException as the driver reports it
   */
  public static ClickHouseConnector open(SinkSettings settings) throws SQLException {
    Connection c = connect(settings);
    try (Statement st = c.createStatement()) {
      st.execute("SELECT 1");
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c, e);
      throw e;
    }
    return new ClickHouseConnector(settings, c);
  }

  private static Connection connect(SinkSettings s) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", s.clickhouseUser());
    p.setProperty("password", s.clickhousePassword() == null ? "" : s.clickhousePassword());
    p.setProperty("socket_timeout", Long.toString(s.insertTimeout().toMillis()));
    p.setProperty(
        "connection_timeout", Long.toString(Math.min(10_000, s.insertTimeout().toMillis())));
    // The sink's own RetryPolicy is the only retry loop: it has the back-off, the metrics and the
    // knowledge of what is retriable. Client-level retries would hide failures and stack delays.
    p.setProperty("retry", "0");
    p.setProperty("client_name", "cab-sink");
    return DriverManager.getConnection(s.jdbcUrl(), p);
  }

  /** The JDBC connection (for migrations and queries on the consumer thread). */
  public Connection connection() {
    return connection;
  }

  @Override
  public void insert(TableSpec table, List<Object[]> rows, String deduplicationToken)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(table.insertSql(settings.database()))) {
      // Per-request server setting: the driver's SQL parser does not accept INSERT ... SETTINGS,
      // and a connection-wide setting would apply one token to every batch.
      ps.unwrap(StatementImpl.class)
          .getLocalSettings()
          .serverSetting("insert_deduplication_token", deduplicationToken);
      int columns = table.columns().size();
      for (Object[] row : rows) {
        for (int i = 0; i < columns; i++) {
          ps.setObject(i + 1, row[i]);
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  @Override
  public void close() throws SQLException {
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }

  private static void closeQuietly(Connection c, Throwable primary) {
    try {
      c.close();
    } catch (SQLException e) {
      primary.addSuppressed(e);
    }
  }
}
