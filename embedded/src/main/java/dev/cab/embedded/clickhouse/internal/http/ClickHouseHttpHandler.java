package dev.cab.embedded.clickhouse.internal.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.cab.embedded.clickhouse.internal.auth.StatementScope;
import dev.cab.embedded.clickhouse.internal.auth.Users;
import dev.cab.embedded.clickhouse.internal.compression.CompressedBlockInputStream;
import dev.cab.embedded.clickhouse.internal.compression.CompressedBlockOutputStream;
import dev.cab.embedded.clickhouse.internal.compression.CorruptedBlockException;
import dev.cab.embedded.clickhouse.internal.engine.ChdbEngine;
import dev.cab.embedded.clickhouse.internal.engine.ChdbResult;
import dev.cab.embedded.clickhouse.internal.engine.EngineError;
import dev.cab.embedded.clickhouse.internal.engine.QueryBuffer;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ClickHouse HTTP interface in front of a {@link ChdbEngine}: what clickhouse-jdbc, the
 * official Node/Python/Go clients and curl send to port 8123, answered as a ClickHouse server
 * answers it.
 *
 * <ul>
 *   <li>{@code GET|HEAD /ping} and {@code GET /} answer {@code Ok.} without touching the engine.
 *   <li>The query comes from the {@code query} URL parameter, the body, or both (then the body
 *       follows the parameter after a newline: inline insert data). GET runs with {@code
 *       readonly=2}, as on ClickHouse.
 *   <li>URL parameters other than the protocol's own ({@code database}, {@code query_id}, {@code
 *       session_id}, {@code compress}, ...) are ClickHouse settings, applied with {@code SET} on
 *       the request's own connection before the query; {@code param_x} binds {@code {x:Type}}
 *       server-side (no text substitution).
 *   <li>Request bodies may be gzip/deflate ({@code Content-Encoding}) and/or in ClickHouse's
 *       compressed-block framing ({@code decompress=1}); responses are framed with {@code
 *       compress=1} and gzip/deflate-encoded with {@code enable_http_compression=1}.
 *   <li>Errors answer the status ClickHouse answers for the code, {@code
 *       X-ClickHouse-Exception-Code} and {@code Code: N. DB::Exception: ...}.
 * </ul>
 *
 * <p>Thread-safe: one instance serves all requests, each on its own (virtual) thread; only the
 * engine serialises them. A result is streamed from native memory and freed once sent.
 */
public final class ClickHouseHttpHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(ClickHouseHttpHandler.class);

  private static final byte[] OK = "Ok.\n".getBytes(StandardCharsets.US_ASCII);
  private static final int READ_CHUNK = 64 * 1024;
  private static final String DEFAULT_FORMAT = "TabSeparated";
  private static final long DRAIN_LIMIT = 64L << 20;
  private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");

  /** URL parameters of the protocol itself; every other one is a setting (or a param_). */
  private static final Set<String> PROTOCOL_PARAMETERS =
      Set.of(
          "query",
          "database",
          "default_format",
          "query_id",
          "session_id",
          "session_timeout",
          "session_check",
          "close_session",
          "compress",
          "decompress",
          "user",
          "password",
          "quota_key",
          "stacktrace",
          "role",
          "buffer_size",
          "wait_end_of_query",
          "client_protocol_version");

  /**
   * What the handler needs to know about its server.
   *
   * @param maxBodyBytes the largest request body accepted, before and after decompression
   * @param displayName sent as X-ClickHouse-Server-Display-Name
   * @param insertDir where inline insert data is staged for the engine (see {@link RequestQuery})
   */
  public record Config(long maxBodyBytes, String displayName, Path insertDir) {}

  private final ChdbEngine engine;
  private final Users users;
  private final SessionRegistry sessions;
  private final Config config;

  public ClickHouseHttpHandler(ChdbEngine engine, Users users, Config config) {
    this.engine = engine;
    this.users = users;
    this.config = config;
    this.sessions = new SessionRegistry(engine);
  }

  /** Closes every HTTP session (the engine closes their connections when it closes). */
  public void closeSessions() {
    sessions.close();
  }

  @Override
  public void handle(HttpExchange exchange) {
    long started = System.nanoTime();
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      String method = exchange.getRequestMethod();
      if (path.equals("/ping") || path.equals("/replicas_status")) {
        sendOk(exchange, method);
        return;
      }
      if (!path.equals("/")) {
        sendText(
            exchange,
            404,
            "There is no handle "
                + path
                + "\n\nUse / or /ping for health checks.\n"
                + "Send queries with POST / or GET /?query=...\n");
        return;
      }
      if (method.equals("OPTIONS")) {
        // A browser's CORS preflight.
        Headers h = exchange.getResponseHeaders();
        h.set("Access-Control-Allow-Origin", "*");
        h.set(
            "Access-Control-Allow-Headers",
            "origin, x-requested-with, x-clickhouse-*, authorization, content-type");
        h.set("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
        h.set("Access-Control-Max-Age", "86400");
        exchange.sendResponseHeaders(204, -1);
        return;
      }
      boolean get = method.equals("GET") || method.equals("HEAD");
      if (!get && !method.equals("POST")) {
        sendError(
            exchange,
            new EngineError(
                ErrorCodes.UNSUPPORTED_METHOD,
                "HTTP method "
                    + method
                    + " is not supported: use GET or POST. (UNSUPPORTED_METHOD)"),
            405);
        return;
      }
      if (get && exchange.getRequestURI().getRawQuery() == null) {
        sendOk(exchange, method);
        return;
      }
      serveQuery(exchange, get, started);
    } catch (IOException e) {
      // The client went away (or sent garbage the JDK could not frame): nothing to answer.
      log.debug("request ended early (the client went away, or sent a broken request)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.debug("request interrupted (server stopping)");
    } catch (RuntimeException | Error e) {
      log.error("unexpected failure serving {}", exchange.getRequestURI(), e);
      if (exchange.getResponseCode() == -1) {
        try {
          sendError(
              exchange,
              new EngineError(
                  ErrorCodes.UNKNOWN_EXCEPTION,
                  "Internal server error: " + e + ". (UNKNOWN_EXCEPTION)"),
              500);
        } catch (IOException ignored) {
          // The client is gone too.
        }
      }
    }
  }

  private void serveQuery(HttpExchange exchange, boolean get, long started)
      throws IOException, InterruptedException {
    Headers in = exchange.getRequestHeaders();
    Headers out = exchange.getResponseHeaders();
    String queryId;
    UrlParameters params;
    try {
      params = UrlParameters.parse(exchange.getRequestURI().getRawQuery());
    } catch (RequestFailure f) {
      sendFailure(exchange, f);
      return;
    }
    queryId = nonEmpty(params.get("query_id")).orElseGet(() -> UUID.randomUUID().toString());
    out.set("X-ClickHouse-Query-Id", queryId);
    out.set("X-ClickHouse-Server-Display-Name", config.displayName());
    out.set(
        "X-ClickHouse-Timezone",
        nonEmpty(params.get("session_timezone")).orElse(engine.timezone()));
    if (params.isTrue("add_http_cors_header")) {
      out.set("Access-Control-Allow-Origin", "*");
    }
    RequestQuery query = null;
    SessionRegistry.Session session = null;
    String user = "?";
    try {
      Users.User account = authenticate(in, params);
      user = account.name();
      String database =
          nonEmpty(params.get("database"))
              .or(() -> nonEmpty(in.getFirst("X-ClickHouse-Database")))
              .orElse(null);
      if (database == null && !account.allowedDatabases().isEmpty() && !account.mayUse("default")) {
        database = account.allowedDatabases().iterator().next();
      }
      if (database != null && !account.mayUse(database)) {
        throw new RequestFailure(
            ErrorCodes.DATABASE_ACCESS_DENIED,
            "Access denied to database " + database + " for user " + user);
      }
      String defaultFormat =
          nonEmpty(params.get("default_format"))
              .or(() -> nonEmpty(in.getFirst("X-ClickHouse-Format")))
              .orElse(DEFAULT_FORMAT);
      Map<String, String> settings = new LinkedHashMap<>();
      Map<String, String> parameters = new LinkedHashMap<>();
      for (Map.Entry<String, String> p : params.values().entrySet()) {
        String name = p.getKey();
        if (name.startsWith("param_")) {
          parameters.put(name.substring("param_".length()), p.getValue());
        } else if (!PROTOCOL_PARAMETERS.contains(name)) {
          if (!SETTING_NAME.matcher(name).matches()) {
            throw new RequestFailure(ErrorCodes.UNKNOWN_SETTING, "Unknown setting '" + name + "'");
          }
          settings.put(name, p.getValue());
        }
      }
      String sessionId = nonEmpty(params.get("session_id")).orElse(null);
      if (sessionId != null) {
        session =
            sessions.acquire(
                user,
                sessionId,
                SessionRegistry.parseTimeout(params.get("session_timeout")),
                params.isTrue("session_check"),
                params.isTrue("close_session"));
      }

      List<String> setup = new ArrayList<>();
      // the profile's limits first: once readonly = 1 holds, the user cannot change them
      account
          .settings()
          .forEach((name, value) -> setup.add("SET " + name + " = " + literal(value)));
      if (account.readonly() > 0) {
        setup.add("SET readonly = " + account.readonly());
      }
      settings.forEach((name, value) -> setup.add("SET " + name + " = " + literal(value)));
      if (get && account.readonly() == 0 && !settings.containsKey("readonly") && session == null) {
        // ClickHouse runs GET requests with readonly=2: reads and SET only.
        setup.add("SET readonly = 2");
      }
      if (database != null && (session != null || !database.equals("default"))) {
        setup.add("USE " + identifier(database));
      }

      query = readQuery(exchange, params, get);
      SqlHead head = query.head();
      if (account.grants() != null) {
        checkGrants(
            account,
            head,
            query,
            database == null ? "default" : database,
            session == null ? null : session.engineSession(),
            setup,
            parameters);
      }
      if (log.isTraceEnabled()) {
        log.trace(
            "query {} of {} ({} body bytes): {}",
            queryId,
            user,
            query.bodyBytes(),
            query.sql().head(300));
      }
      ChdbResult result;
      try {
        result =
            engine.execute(
                new ChdbEngine.Execution(
                    session == null ? null : session.engineSession(),
                    setup,
                    query.sql(),
                    defaultFormat,
                    parameters));
      } finally {
        // The engine has read the query and its data: free them before streaming the result.
        query.close();
        if (session != null) {
          // the result is the engine's own buffer: the session may take its next request
          sessions.unlock(session);
        }
      }
      try (result) {
        if (result.error() != null) {
          logQuery(exchange, user, head, result.error().code(), started);
          sendError(exchange, result.error(), ErrorCodes.httpStatus(result.error().code()));
          return;
        }
        String format =
            OutputFormats.canonical(
                head.outputFormat() != null ? head.outputFormat() : defaultFormat);
        sendResult(exchange, params, result, format, head);
        logQuery(exchange, user, head, 0, started);
      }
    } catch (RequestFailure f) {
      log.debug("query {} of {} refused with code {}", queryId, user, f.code(), f);
      sendFailure(exchange, f);
    } finally {
      if (query != null) {
        query.close();
      }
      if (session != null) {
        sessions.release(session, params.isTrue("close_session"));
      }
    }
  }

  /** Databases every user may read, as on ClickHouse (metadata, filtered by the server there). */
  private static final Set<String> ALWAYS_READABLE =
      Set.of("system", "information_schema", "INFORMATION_SCHEMA");

  private static final Pattern INSERT_TARGET =
      Pattern.compile(
          "(?is)^\\s*INSERT\\s+INTO\\s+(?:(TABLE)\\s+)?(FUNCTION\\s+)?([`\"]?[\\w.]+[`\"]?(?:\\.[`\"]?\\w+[`\"]?)?)");

  /**
   * Checks a query against the user's {@code <grants>}: the statement's keyword is the privilege
   * ({@code SELECT} for SELECT, WITH, SHOW, DESCRIBE, EXISTS, EXPLAIN), and every database it
   * touches must grant it. The databases a non-INSERT touches are read from the engine's own {@code
   * EXPLAIN AST} by {@link StatementScope}: the tables it reads (aliases, subqueries and joins
   * count) and the target a DDL statement names; table functions that reach outside (file, url,
   * remote, s3...) and statements that name no database (SYSTEM, KILL, GRANT) need the grant on
   * every database.
   */
  private void checkGrants(
      Users.User account,
      SqlHead head,
      RequestQuery query,
      String current,
      ChdbEngine.Session engineSession,
      List<String> setup,
      Map<String, String> parameters)
      throws RequestFailure, InterruptedException {
    String keyword = head.keyword();
    if (keyword.isEmpty() || keyword.equals("SET") || keyword.equals("USE")) {
      return;
    }
    String privilege =
        switch (keyword) {
          case "SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXISTS", "EXPLAIN" -> "SELECT";
          default -> keyword;
        };
    Set<String> databases = new LinkedHashSet<>();
    if (head.isInsert()) {
      String text = query.sql().head(head.dataClauseStart() >= 0 ? head.dataClauseStart() : 8192);
      Matcher m = INSERT_TARGET.matcher(text);
      if (!m.find() || m.group(2) != null) {
        databases.add("*");
      } else {
        databases.add(databaseOf(m.group(3).replace("`", "").replace("\"", ""), current));
      }
    } else {
      String sql = query.sql().head((int) Math.min(query.sql().size(), 1 << 20));
      String ast;
      try (QueryBuffer buffer = new QueryBuffer(sql.length() + 16)) {
        buffer.append("EXPLAIN AST " + sql);
        try (ChdbResult result =
            engine.execute(
                new ChdbEngine.Execution(engineSession, setup, buffer, "TSVRaw", parameters))) {
          if (result.error() != null) {
            // the engine refused the query itself (syntax, readonly...): its own answer
            throw new RequestFailure(result.error().code(), result.error().message());
          }
          ast = new String(result.toByteArray(), StandardCharsets.UTF_8);
        }
      }
      databases.addAll(StatementScope.databases(ast, current));
      if (databases.isEmpty() && !privilege.equals("SELECT")) {
        // SYSTEM, KILL, GRANT...: no database scopes them
        databases.add("*");
      }
    }
    for (String db : databases) {
      boolean ok =
          db.equals("*")
              ? account.grants().allows(privilege, "*")
              : (privilege.equals("SELECT") && ALWAYS_READABLE.contains(db))
                  || account.grants().allows(privilege, db);
      if (!ok) {
        throw new RequestFailure(
            ErrorCodes.ACCESS_DENIED,
            account.name()
                + ": Not enough privileges. To execute this query, it's necessary to have the grant "
                + privilege
                + " ON "
                + db
                + ".*");
      }
    }
  }

  private static String databaseOf(String qualified, String current) {
    int dot = qualified.indexOf('.');
    return dot < 0 ? current : qualified.substring(0, dot);
  }

  private Users.User authenticate(Headers in, UrlParameters params) throws RequestFailure {
    String name;
    String password;
    String headerUser = in.getFirst("X-ClickHouse-User");
    String authorization = in.getFirst("Authorization");
    if (headerUser != null) {
      name = headerUser;
      password = in.getFirst("X-ClickHouse-Key");
    } else if (authorization != null) {
      if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
        throw new RequestFailure(
            ErrorCodes.AUTHENTICATION_FAILED,
            "Unsupported Authorization scheme: only Basic authentication is supported here");
      }
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(authorization.substring(6).strip()),
                StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new RequestFailure(
            ErrorCodes.AUTHENTICATION_FAILED, "Invalid Basic authorization: not Base64");
      }
      int colon = decoded.indexOf(':');
      name = colon < 0 ? decoded : decoded.substring(0, colon);
      password = colon < 0 ? "" : decoded.substring(colon + 1);
    } else {
      name = nonEmpty(params.get("user")).orElse("default");
      password = params.get("password");
    }
    String user = name;
    return users
        .authenticate(name, password == null ? "" : password)
        .orElseThrow(
            () ->
                new RequestFailure(
                    ErrorCodes.AUTHENTICATION_FAILED,
                    user
                        + ": Authentication failed: password is incorrect, or there is no user with"
                        + " such name"));
  }

  /** Reads the query parameter and the body, decoding the body as the client asks. */
  private RequestQuery readQuery(HttpExchange exchange, UrlParameters params, boolean get)
      throws RequestFailure, IOException {
    long max = config.maxBodyBytes();
    String text = params.get("query");
    if (get) {
      return RequestQuery.read(text, null, max, config.insertDir());
    }
    if (contentLength(exchange) > max) {
      abandonBody(exchange);
      throw tooLarge(max);
    }
    SocketSide socket = new SocketSide(exchange.getRequestBody(), max);
    try {
      InputStream body = socket;
      String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      if (encoding != null) {
        body =
            switch (encoding.strip().toLowerCase(Locale.ROOT)) {
              case "", "identity" -> body;
              case "gzip", "x-gzip" -> new GZIPInputStream(body, READ_CHUNK);
              case "deflate" -> new InflaterInputStream(body);
              default ->
                  throw new RequestFailure(
                      ErrorCodes.UNKNOWN_COMPRESSION_METHOD,
                      "Unknown Content-Encoding '"
                          + encoding
                          + "': this server accepts gzip and deflate");
            };
      }
      if (params.isTrue("decompress")) {
        boolean verify =
            !params.isTrue("http_native_compression_disable_checksumming_on_decompress");
        body = new CompressedBlockInputStream(body, verify);
      }
      return RequestQuery.read(text, body, max, config.insertDir());
    } catch (SocketSide.TooLarge e) {
      abandonBody(exchange);
      throw tooLarge(max);
    } catch (RequestFailure f) {
      if (f.code() == ErrorCodes.QUERY_IS_TOO_LARGE) {
        abandonBody(exchange);
      }
      throw f;
    } catch (CorruptedBlockException e) {
      abandonBody(exchange);
      throw new RequestFailure(e.errorCode(), e.getMessage(), e);
    } catch (IOException e) {
      if (socket.failed) {
        throw e; // the client is gone
      }
      // Not the socket: the gzip/deflate stream is corrupt or truncated.
      abandonBody(exchange);
      throw new RequestFailure(
          ErrorCodes.ZLIB_INFLATE_FAILED, "Cannot inflate the request body: " + e.getMessage(), e);
    }
  }

  private void sendResult(
      HttpExchange exchange, UrlParameters params, ChdbResult result, String format, SqlHead head)
      throws IOException {
    Headers out = exchange.getResponseHeaders();
    out.set("X-ClickHouse-Format", format);
    out.set("Content-Type", OutputFormats.contentType(format));
    out.set("X-ClickHouse-Summary", summary(result.statistics(), head));
    String encoding = null;
    if (params.isTrue("enable_http_compression")) {
      encoding = chooseEncoding(exchange.getRequestHeaders().getFirst("Accept-Encoding"));
    }
    boolean compress = params.isTrue("compress");
    if (encoding != null) {
      out.set("Content-Encoding", encoding);
    }
    long length = result.length();
    if (encoding == null && !compress) {
      exchange.sendResponseHeaders(200, length == 0 ? -1 : length);
      if (length == 0) {
        return;
      }
    } else {
      exchange.sendResponseHeaders(200, 0);
    }
    OutputStream body = exchange.getResponseBody();
    if ("gzip".equals(encoding)) {
      body = new GZIPOutputStream(body, READ_CHUNK);
    } else if ("deflate".equals(encoding)) {
      body = new DeflaterOutputStream(body, new Deflater(zlibLevel(params)), READ_CHUNK);
    }
    if (compress) {
      body = new CompressedBlockOutputStream(body);
    }
    try (OutputStream stream = body) {
      result.writeTo(stream);
    }
  }

  private static String summary(ChdbResult.Statistics s, SqlHead head) {
    // ClickHouse sends every counter as a JSON string.
    long resultRows = head.isInsert() ? s.writtenRows() : s.resultRows();
    long resultBytes = head.isInsert() ? s.writtenBytes() : s.resultBytes();
    return "{\"read_rows\":\""
        + s.readRows()
        + "\",\"read_bytes\":\""
        + s.readBytes()
        + "\",\"written_rows\":\""
        + s.writtenRows()
        + "\",\"written_bytes\":\""
        + s.writtenBytes()
        + "\",\"total_rows_to_read\":\""
        + s.readRows()
        + "\",\"result_rows\":\""
        + resultRows
        + "\",\"result_bytes\":\""
        + resultBytes
        + "\",\"elapsed_ns\":\""
        + s.elapsedNanos()
        + "\"}";
  }

  private void sendFailure(HttpExchange exchange, RequestFailure f) throws IOException {
    EngineError error =
        new EngineError(f.code(), f.getMessage() + ". (" + ErrorCodes.name(f.code()) + ")");
    sendError(exchange, error, ErrorCodes.httpStatus(f.code()));
  }

  private void sendError(HttpExchange exchange, EngineError error, int status) throws IOException {
    Headers out = exchange.getResponseHeaders();
    out.set("X-ClickHouse-Exception-Code", Integer.toString(error.code()));
    out.set("Content-Type", "text/plain; charset=UTF-8");
    out.remove("Content-Encoding");
    byte[] body = error.toHttpBody(engine.version()).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(body);
      os.flush();
      // An error can come before the body was read (bad credentials) or halfway (too large).
      // Closing a socket with unread input makes the kernel reset the connection, and a client
      // still sending would lose our answer: read (a bounded amount of) what it still sends.
      drain(exchange.getRequestBody());
    }
  }

  /** Marks the request body as abandoned midway: the answer closes the connection. */
  private static void abandonBody(HttpExchange exchange) {
    exchange.getResponseHeaders().set("Connection", "close");
  }

  private static void drain(InputStream body) {
    byte[] sink = new byte[READ_CHUNK];
    long drained = 0;
    try {
      for (int n = body.read(sink); n >= 0 && drained < DRAIN_LIMIT; n = body.read(sink)) {
        drained += n;
      }
    } catch (IOException e) {
      // The client stopped sending: nothing left to drain.
    }
  }

  private static void sendOk(HttpExchange exchange, String method) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=UTF-8");
    if (method.equals("HEAD")) {
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    exchange.sendResponseHeaders(200, OK.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(OK);
    }
  }

  private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=UTF-8");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream os = exchange.getResponseBody()) {
      os.write(body);
    }
  }

  private static void logQuery(
      HttpExchange exchange, String user, SqlHead head, int errorCode, long started) {
    if (log.isDebugEnabled()) {
      log.debug(
          "{} {} by {}: {} -> {} in {} ms",
          exchange.getRequestMethod(),
          exchange.getRequestURI().getRawQuery(),
          user,
          head.keyword(),
          errorCode == 0 ? "ok" : "error " + errorCode,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
  }

  private static RequestFailure tooLarge(long max) {
    return new RequestFailure(
        ErrorCodes.QUERY_IS_TOO_LARGE,
        "Request body is larger than the server's limit of " + max + " bytes (--max-body-bytes)");
  }

  private static long contentLength(HttpExchange exchange) {
    String value = exchange.getRequestHeaders().getFirst("Content-Length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static String chooseEncoding(String acceptEncoding) {
    if (acceptEncoding == null) {
      return null;
    }
    boolean deflate = false;
    for (String part : acceptEncoding.split(",")) {
      String[] pieces = part.strip().split(";");
      String coding = pieces[0].strip().toLowerCase(Locale.ROOT);
      boolean refused = pieces.length > 1 && pieces[1].strip().matches("q=0(\\.0*)?");
      if (refused) {
        continue;
      }
      if (coding.equals("gzip") || coding.equals("x-gzip")) {
        return "gzip";
      }
      deflate |= coding.equals("deflate");
    }
    return deflate ? "deflate" : null;
  }

  private static int zlibLevel(UrlParameters params) {
    String level = params.get("http_zlib_compression_level");
    if (level != null && level.matches("[0-9]")) {
      return Integer.parseInt(level);
    }
    return 3; // ClickHouse's default http_zlib_compression_level
  }

  /** A SET value: numbers as they are, everything else as a quoted string literal. */
  static String literal(String value) {
    if (NUMBER.matcher(value).matches()) {
      return value;
    }
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** A back-quoted identifier. */
  static String identifier(String name) {
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`";
  }

  private static Optional<String> nonEmpty(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
  }

  /**
   * The request body as read from the socket: counts bytes against the limit, and remembers whether
   * the socket failed (then the client is gone) rather than the decoding.
   */
  private static final class SocketSide extends FilterInputStream {
    private final long max;
    private long count;
    boolean failed;

    static final class TooLarge extends IOException {
      private static final long serialVersionUID = 1L;
    }

    SocketSide(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        n = super.read(b, off, len);
      } catch (IOException e) {
        failed = true;
        throw e;
      }
      if (n > 0) {
        count += n;
        if (count > max) {
          throw new TooLarge();
        }
      }
      return n;
    }
  }
}
