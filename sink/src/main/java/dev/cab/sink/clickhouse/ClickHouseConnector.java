package dev.cab.sink.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.data_formats.RowBinaryFormatWriter;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.metadata.TableSchema;
import com.clickhouse.data.ClickHouseFormat;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cab.model.serde.Json;
import dev.cab.sink.config.SinkSettings;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sink's ClickHouse connections: its {@link Inserter} on the ClickHouse Java client (client-v2)
 * and a JDBC connection for the migrations. Per {@code sink.insert.format} an insert is one {@code
 * INSERT ... FORMAT RowBinaryWithDefaults} request (default: binary rows written by name against
 * the table's schema as the server reports it; a column a row leaves out gets its default) or one
 * {@code INSERT ... FORMAT JSONEachRow} request (rows encoded by Jackson, by name). Either way it
 * is one block on the server (all rows land or none) and carries the batch's {@code
 * insert_deduplication_token}. RowBinary rows are encoded as the sink's batch takes them ({@link
 * #newBody}), JSONEachRow rows at insert. Table names are qualified with the configured database,
 * so neither connection needs a default database (the database may not exist before the
 * migrations).
 *
 * <p>{@link #insert} may be called from any thread (the sink loop's insert thread calls it); the
 * JDBC {@link #connection()} belongs to the thread that opened it (migrations at start-up).
 */
public final class ClickHouseConnector implements Inserter, AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ClickHouseConnector.class);

  /**
   * ClickHouse's TYPE_MISMATCH: a value the client cannot encode for its column is a data error.
   */
  private static final int TYPE_MISMATCH = 53;

  private final SinkSettings settings;
  private final Client client;

  /**
   * Per table, its columns as the server reports them and the encoder built from them (empty: a
   * column type only client-v2's writer writes).
   */
  private record Columns(TableSchema schema, Optional<RowBinaryEncoder> encoder) {}

  private final Map<String, Columns> columns = new ConcurrentHashMap<>();

  /** Per table, the bytes per row of its last body encoded at insert: the next one's guess. */
  private final Map<String, Integer> bytesPerRow = new ConcurrentHashMap<>();

  /**
   * Per table, the size of the last body {@link #newBody} made that went out, plus an eighth: the
   * next one's first size (the last, not the largest: a live sink's small batches get small bodies,
   * a draining sink's large ones).
   */
  private final Map<String, Integer> bodySize = new ConcurrentHashMap<>();

  private Connection connection;

  private ClickHouseConnector(SinkSettings settings, Client client, Connection connection) {
    this.settings = settings;
    this.client = client;
    this.connection = connection;
  }

  /**
   * Connects and runs a trivial query, so an unreachable server or a wrong password shows now.
   *
   * @throws SQLException as the driver reports it
   */
  public static ClickHouseConnector open(SinkSettings settings) throws SQLException {
    Connection c = connect(settings, settings.clickhouseUser(), settings.clickhousePassword());
    try (Statement st = c.createStatement()) {
      st.execute("SELECT 1");
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c, e);
      throw e;
    }
    return new ClickHouseConnector(settings, client(settings), c);
  }

  /**
   * A JDBC connection as {@code sink.migrations.user} (the administrator the schema migrations run
   * as, when it differs from the user the sink writes with); the caller closes it.
   *
   * @throws SQLException as the driver reports it
   */
  public static Connection openMigrations(SinkSettings settings) throws SQLException {
    return connect(settings, settings.migrationsUser(), settings.migrationsPassword());
  }

  private static Connection connect(SinkSettings s, String user, String password)
      throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password == null ? "" : password);
    p.setProperty("socket_timeout", Long.toString(s.insertTimeout().toMillis()));
    p.setProperty(
        "connection_timeout", Long.toString(Math.min(10_000, s.insertTimeout().toMillis())));
    // The sink's own RetryPolicy is the only retry loop: it has the back-off, the metrics and the
    // knowledge of what is retriable. Client-level retries would hide failures and stack delays.
    p.setProperty("retry", "0");
    p.setProperty("client_name", "cab-sink");
    return DriverManager.getConnection(s.jdbcUrl(), p);
  }

  /** The client-v2 client the sink inserts with (package-private: {@code InsertSendBench}). */
  static Client client(SinkSettings s) {
    return new Client.Builder()
        .addEndpoint(s.httpUrl())
        .setUsername(s.clickhouseUser())
        .setPassword(s.clickhousePassword() == null ? "" : s.clickhousePassword())
        .setSocketTimeout(s.insertTimeout().toMillis(), ChronoUnit.MILLIS)
        .setConnectTimeout(Math.min(10_000, s.insertTimeout().toMillis()), ChronoUnit.MILLIS)
        // As for JDBC: the sink's RetryPolicy is the only retry loop.
        .setMaxRetries(0)
        .setClientName("cab-sink")
        .build();
  }

  /** The JDBC connection (for migrations and queries on the consumer thread). */
  public Connection connection() {
    return connection;
  }

  /**
   * A body the sink's batch appends RowBinary rows to as it takes them, for tables whose column
   * types {@link RowBinaryEncoder} writes (all of the sink's); null for JSONEachRow, or when the
   * table's columns cannot be read now (the insert reads them again and reports it). The first call
   * per table reads its columns from the server (the migrations ran before).
   */
  @Override
  public Inserter.Body newBody(TableSpec table) {
    if (settings.insertFormat() != SinkSettings.InsertFormat.ROW_BINARY) {
      return null;
    }
    Columns cols;
    try {
      cols = columns(table);
    } catch (SQLException e) {
      LOG.debug("Columns of {} not known yet; its rows are encoded at insert", table.name(), e);
      return null;
    }
    // Sized from the table's last body, so that it is seldom copied over as it grows.
    return cols.encoder()
        .map(e -> new RowBinaryBody(table, e, bodySize.getOrDefault(table.name(), 1 << 16)))
        .orElse(null);
  }

  @Override
  public void insert(TableSpec table, Inserter.Body body, String deduplicationToken)
      throws SQLException {
    if (!(body instanceof RowBinaryBody b) || !b.table().equals(table)) {
      throw new IllegalArgumentException("a body this connector made for " + table.name());
    }
    if (b.rows() == 0) {
      return;
    }
    bodySize.put(table.name(), b.size() + b.size() / 8);
    send(
        table,
        b.stream(),
        ClickHouseFormat.RowBinaryWithDefaults,
        insertSettings(deduplicationToken),
        b.rows());
  }

  @Override
  public void insert(TableSpec table, List<Map<String, Object>> rows, String deduplicationToken)
      throws SQLException {
    InsertSettings insert = insertSettings(deduplicationToken);
    switch (settings.insertFormat()) {
      case ROW_BINARY ->
          send(
              table,
              rowBinary(table, rows).stream(),
              ClickHouseFormat.RowBinaryWithDefaults,
              insert,
              rows.size());
      case JSON_EACH_ROW -> {
        // Exact decimal-to-double parsing: the composite must read back with the same bits.
        insert.serverSetting("precise_float_parsing", "1");
        send(
            table,
            jsonEachRow(table, rows).stream(),
            ClickHouseFormat.JSONEachRow,
            insert,
            rows.size());
      }
    }
  }

  private static InsertSettings insertSettings(String deduplicationToken) {
    InsertSettings insert = new InsertSettings();
    insert.serverSetting("insert_deduplication_token", deduplicationToken);
    // The block is not collapsed by key at insert (every table is a ReplacingMergeTree): FINAL,
    // the *_latest views and the merges do that anyway, and skipping it took 5-20% off the
    // server's time per row (InsertSendBench, docs/PERFORMANCE.md).
    insert.serverSetting("optimize_on_insert", "0");
    return insert;
  }

  /**
   * The rows as RowBinaryWithDefaults for the table's schema, each value written by column name: by
   * {@link RowBinaryEncoder} for the column types it writes (all of the sink's tables), else by
   * client-v2's {@code RowBinaryFormatWriter}.
   *
   * @throws SQLDataException (TYPE_MISMATCH, a data error) when a value does not fit its column
   */
  private InsertBody rowBinary(TableSpec table, List<Map<String, Object>> rows)
      throws SQLException {
    Columns cols = columns(table);
    // Sized from the table's last body (a cell row is ~2.6 KB, a scorer event's ~0.3 KB): growing
    // from a small guess copied the body over and over (a quarter of the insert thread in JFR).
    int guess = bytesPerRow.getOrDefault(table.name(), 256);
    InsertBody body =
        new InsertBody((int) Math.min(Integer.MAX_VALUE - 16, (long) rows.size() * guess * 9 / 8));
    try {
      if (cols.encoder().isPresent()) {
        cols.encoder().get().encode(rows, body);
      } else {
        RowBinaryFormatWriter writer =
            new RowBinaryFormatWriter(body, cols.schema(), ClickHouseFormat.RowBinaryWithDefaults);
        for (Map<String, Object> row : rows) {
          for (Map.Entry<String, Object> e : row.entrySet()) {
            writer.setValue(e.getKey(), e.getValue());
          }
          writer.commitRow();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw doesNotFit(table, e);
    }
    bytesPerRow.put(table.name(), Math.max(16, body.size() / Math.max(1, rows.size())));
    return body;
  }

  /**
   * A row that does not fit the table's columns: a data error (TYPE_MISMATCH), not an IOException
   * in the cause chain (that would read as "retry", and retrying cannot fix a value). The message
   * names the table only: values may be anything.
   */
  static SQLDataException doesNotFit(TableSpec table, Exception e) {
    return new SQLDataException(
        "a row does not fit the columns of " + table.name() + ": " + e.getClass().getName(),
        "22000",
        TYPE_MISMATCH,
        e instanceof IOException ? null : e);
  }

  /** The table's columns as the server has them (read once: migrations ran before). */
  private Columns columns(TableSpec table) throws SQLException {
    Columns c = columns.get(table.name());
    if (c == null) {
      TableSchema schema;
      try {
        schema = client.getTableSchema(table.name(), settings.database());
      } catch (RuntimeException e) {
        throw new SQLException("cannot read the columns of " + table.name(), e);
      }
      c = new Columns(schema, RowBinaryEncoder.of(schema));
      columns.put(table.name(), c);
    }
    return c;
  }

  /** The rows as JSONEachRow, times as UTC text. */
  private static InsertBody jsonEachRow(TableSpec table, List<Map<String, Object>> rows)
      throws SQLException {
    InsertBody body = new InsertBody(rows.size() * 512);
    try (JsonGenerator g = Json.mapper().getFactory().createGenerator(body)) {
      g.setCodec(Json.mapper());
      for (Map<String, Object> row : rows) {
        g.writeStartObject();
        for (Map.Entry<String, Object> e : row.entrySet()) {
          g.writeFieldName(e.getKey());
          g.writeObject(
              e.getValue() instanceof Instant t ? ClickHouseValues.dateTimeText(t) : e.getValue());
        }
        g.writeEndObject();
        g.writeRaw('\n');
      }
    } catch (IOException e) {
      throw new SQLException("cannot encode rows for " + table.name(), e);
    }
    return body;
  }

  private void send(
      TableSpec table, InputStream body, ClickHouseFormat format, InsertSettings insert, int rows)
      throws SQLException {
    List<String> columns = format == ClickHouseFormat.JSONEachRow ? table.columns() : null;
    String target = settings.database() + "." + table.name();
    try (InsertResponse response =
        (columns == null
                ? client.insert(target, body, format, insert)
                : client.insert(target, columns, body, format, insert))
            .get(settings.insertTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
      if (response.getWrittenRows() != rows) {
        LOG.debug(
            "ClickHouse reports {} of {} rows written to {} (0 when deduplicated)",
            response.getWrittenRows(),
            rows,
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

  @Override
  public void close() throws SQLException {
    client.close();
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
