package dev.cab.sink.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import com.clickhouse.jdbc.ConnectionImpl;
import com.clickhouse.jdbc.StatementImpl;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cab.model.serde.Json;
import dev.cab.sink.config.SinkSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sink's JDBC connection to ClickHouse and its {@link Inserter}. Per {@code sink.insert.format}
 * an insert is either one batched {@link PreparedStatement}, which clickhouse-jdbc sends as a
 * single {@code INSERT ... VALUES} request, or one {@code INSERT ... FORMAT JSONEachRow} request
 * through the driver's client. Either way it is one block on the server (all rows land or none) and
 * carries the batch's {@code insert_deduplication_token}. Table names are qualified with the
 * configured database, so the connection itself needs no default database (the database may not
 * exist before the migrations).
 *
 * <p>Not thread-safe: the consumer thread owns it.
 */
public final class ClickHouseConnector implements Inserter, AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ClickHouseConnector.class);

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
    switch (settings.insertFormat()) {
      case VALUES -> insertValues(table, rows, deduplicationToken);
      case JSON_EACH_ROW -> insertJsonEachRow(table, rows, deduplicationToken);
    }
  }

  /**
   * {@code INSERT ... FORMAT JSONEachRow} through the driver's client: the rows are encoded by
   * Jackson into one request body (no SQL text is built or escaped).
   */
  private void insertJsonEachRow(TableSpec table, List<Object[]> rows, String deduplicationToken)
      throws SQLException {
    ByteArrayOutputStream body = new ByteArrayOutputStream(rows.size() * 512);
    List<String> columns = table.columns();
    try (JsonGenerator g = Json.mapper().getFactory().createGenerator(body)) {
      g.setCodec(Json.mapper());
      for (Object[] row : rows) {
        g.writeStartObject();
        for (int i = 0; i < columns.size(); i++) {
          g.writeFieldName(columns.get(i));
          g.writeObject(row[i]);
        }
        g.writeEndObject();
        g.writeRaw('\n');
      }
    } catch (IOException e) {
      throw new SQLException("cannot encode rows for " + table.name(), e);
    }
    InsertSettings insert = new InsertSettings();
    insert.serverSetting("insert_deduplication_token", deduplicationToken);
    insert.serverSetting("precise_float_parsing", "1");
    Client client = connection.unwrap(ConnectionImpl.class).getClient();
    try (InsertResponse response =
        client
            .insert(
                settings.database() + "." + table.name(),
                columns,
                new ByteArrayInputStream(body.toByteArray()),
                ClickHouseFormat.JSONEachRow,
                insert)
            .get(settings.insertTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
      if (response.getWrittenRows() != rows.size()) {
        LOG.debug(
            "ClickHouse reports {} of {} rows written to {} (0 when deduplicated)",
            response.getWrittenRows(),
            rows.size(),
            table.name());
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new SQLException(cause.getMessage(), "HY000", serverCode(cause), cause);
    } catch (TimeoutException e) {
      throw new SQLTransientException("insert into " + table.name() + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while inserting into " + table.name(), e);
    } catch (Exception e) {
      throw e instanceof SQLException sql ? sql : new SQLException(e.getMessage(), e);
    }
  }

  private static int serverCode(Throwable t) {
    return ClickHouseErrors.serverCode(t).orElse(0);
  }

  /** A batched {@code INSERT ... VALUES} PreparedStatement: the driver sends it as one request. */
  private void insertValues(TableSpec table, List<Object[]> rows, String deduplicationToken)
      throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(table.insertSql(settings.database()))) {
      // Per-request server setting: the driver's SQL parser does not accept INSERT ... SETTINGS,
      // and a connection-wide setting would apply one token to every batch.
      QuerySettings local = ps.unwrap(StatementImpl.class).getLocalSettings();
      local.serverSetting("insert_deduplication_token", deduplicationToken);
      // Exact decimal-to-double parsing: the composite must read back with the same bits.
      local.serverSetting("precise_float_parsing", "1");
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
