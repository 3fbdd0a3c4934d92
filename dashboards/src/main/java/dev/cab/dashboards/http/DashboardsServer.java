package dev.cab.dashboards.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cab.dashboards.badge.Badge;
import dev.cab.dashboards.config.DashboardsSettings;
import dev.cab.dashboards.live.BoardPush;
import dev.cab.dashboards.pages.CellPage;
import dev.cab.dashboards.pages.CellPages;
import dev.cab.dashboards.pages.Formats;
import dev.cab.dashboards.pages.Templates;
import dev.cab.dashboards.pages.Urls;
import dev.cab.dashboards.query.Board;
import dev.cab.dashboards.query.CellRow;
import dev.cab.dashboards.query.ClickHouseUnavailableException;
import dev.cab.dashboards.query.Dashboards;
import dev.cab.dashboards.query.SpanRow;
import dev.cab.dashboards.query.Sweeps;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboards' HTTP surface: pages, badges, the JSON API and the board's event stream (see
 * docs/ARCHITECTURE.md, "Dashboards"). Names from the URL are checked ({@link PathInput}) and only
 * ever reach ClickHouse as bound query parameters. Unknown things are 404, malformed input 400/414,
 * ClickHouse down 503: a request never gets a 500 for what it asked.
 */
public final class DashboardsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardsServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HANDLED = "cab.error.handled";

  private final DashboardsSettings settings;
  private final Dashboards cells;
  private final Sweeps sweeps;
  private final Templates templates;
  private final BoardPush push;
  private final Javalin app;
  private final MeterRegistry registry;

  public DashboardsServer(
      DashboardsSettings settings, Dashboards cells, Sweeps sweeps, Templates templates) {
    this(settings, cells, sweeps, templates, new SimpleMeterRegistry());
  }

  /** With the stage's meter registry: every matched request is timed by route and status. */
  public DashboardsServer(
      DashboardsSettings settings,
      Dashboards cells,
      Sweeps sweeps,
      Templates templates,
      MeterRegistry registry) {
    this.registry = registry;
    this.settings = settings;
    this.cells = cells;
    this.sweeps = sweeps;
    this.templates = templates;
    this.push =
        new BoardPush(
            sweeps,
            (b, heatmap) -> templates.render("board-live.jte", Map.of("b", b, "heatmap", heatmap)),
            settings.pushInterval(),
            settings.kafkaPush());
    this.app = Javalin.create(this::configure);
  }

  private static final String STARTED_NANOS = "cab.started.nanos";

  private void timeRequest(Context ctx) {
    Long started = ctx.attribute(STARTED_NANOS);
    if (started == null) {
      return;
    }
    Timer.builder("cab_dashboards_requests")
        .description("server time of a page, API answer or badge, by route and status")
        .tag("route", route(ctx))
        .tag("status", Integer.toString(ctx.statusCode()))
        .publishPercentileHistogram()
        .register(registry)
        .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** The matched route's pattern ({@code /sweeps/{sweep}}), or {@code unmatched}. */
  private static String route(Context ctx) {
    var matched = ctx.endpoints().matchedHttpEndpoint();
    return matched == null ? "unmatched" : matched.path;
  }

  /** Starts listening; returns the port (useful when the settings asked for 0). */
  public int start() {
    app.start(settings.bindAddress(), settings.httpPort());
    return app.port();
  }

  public int port() {
    return app.port();
  }

  public BoardPush push() {
    return push;
  }

  private void configure(JavalinConfig c) {
    c.startup.showJavalinBanner = false;
    // Server render time per route (the route's pattern, never the raw path: bounded labels).
    c.routes.beforeMatched(ctx -> ctx.attribute(STARTED_NANOS, System.nanoTime()));
    c.routes.afterMatched(this::timeRequest);
    c.staticFiles.add(
        files -> {
          files.hostedPath = "/static";
          files.directory = "/dev/cab/dashboards/static";
          files.location = Location.CLASSPATH;
        });
    c.staticFiles.enableWebjars();
    c.routes.get("/", this::sweepsPage);
    c.routes.get("/health", this::health);
    c.routes.get("/sweeps/{sweep}", this::boardPage);
    c.routes.sse("/sweeps/{sweep}/events", client -> openBoard(client));
    c.routes.get("/sweeps/{sweep}/badge/{tui}/<model>", this::sweepBadge);
    c.routes.get("/cell/{tui}/<modelTask>", ctx -> cellPage(ctx, cellByTriple(ctx)));
    c.routes.get("/cells/<cellId>", ctx -> cellPage(ctx, cellById(ctx)));
    c.routes.get("/badge/{tui}/<modelTask>", this::cellBadge);
    c.routes.get("/api/sweeps", ctx -> json(ctx, 200, Map.of("sweeps", sweeps.list())));
    c.routes.get(
        "/api/sweeps/{sweep}",
        ctx -> {
          Board b = board(ctx);
          ctx.contentType("application/json").result(rendered(b, "json", () -> toJson(b)));
        });
    c.routes.get("/api/cell/{tui}/<modelTask>", ctx -> json(ctx, 200, cellJson(cellByTriple(ctx))));
    c.routes.get("/api/cells/<cellId>", ctx -> json(ctx, 200, cellJson(cellById(ctx))));
    c.routes.get("/api/badge/{tui}/<modelTask>", this::badgeJson);
    // Registered last, so they only see what the routes above did not match: a sweep id written
    // with a raw '/' (/sweeps/team/nightly) is read whole and sent to its one spelling (%2F).
    c.routes.get("/sweeps/<sweep>", ctx -> canonicalSweep(ctx, Urls.sweep(sweepId(ctx))));
    c.routes.get("/api/sweeps/<sweep>", ctx -> canonicalSweep(ctx, Urls.apiSweep(sweepId(ctx))));
    c.routes.exception(
        BadRequestException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
    c.routes.exception(
        ClickHouseUnavailableException.class,
        (e, ctx) -> {
          LOG.warn("ClickHouse unavailable for {}: {}", ctx.path(), e.getMessage(), e);
          error(
              ctx,
              503,
              "ClickHouse is not reachable right now ("
                  + e.getMessage()
                  + "). This page works again as soon as it is back.");
        });
    c.routes.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("Unexpected failure on {}", ctx.path(), e);
          error(ctx, 500, "Something went wrong on our side; the log has the details.");
        });
    c.routes.error(
        404,
        ctx -> {
          if (ctx.attribute(HANDLED) == null) {
            error(ctx, 404, "There is no page at this address.");
          }
        });
  }

  // ---- pages

  private void sweepsPage(Context ctx) {
    ctx.html(templates.render("sweeps.jte", sweeps.list()));
  }

  private void boardPage(Context ctx) {
    Board b = board(ctx);
    ctx.html(rendered(b, "page", () -> templates.render("board.jte", b)));
  }

  /** A board's page or JSON, rendered once per board (a board served from memory is the same). */
  private record Rendered(Board board, String text) {}

  private final Map<String, Rendered> rendered = new java.util.concurrent.ConcurrentHashMap<>();

  private String rendered(Board b, String kind, java.util.function.Supplier<String> render) {
    String key = kind + "\u0000" + b.sweepId();
    Rendered r = rendered.get(key);
    if (r == null || r.board() != b) {
      if (rendered.size() > 256) {
        rendered.clear(); // a bound, not an eviction policy: it only holds the boards of the hour
      }
      r = new Rendered(b, render.get());
      rendered.put(key, r);
    }
    return r.text();
  }

  private static String sweepId(Context ctx) {
    return PathInput.check("sweep id", ctx.pathParam("sweep"));
  }

  /**
   * A sweep id's path segment is the whole id, its '/' written {@code %2F}: a raw '/' is read as
   * part of the id and redirected (308) to that spelling, which then answers (or says 404).
   */
  private static void canonicalSweep(Context ctx, String canonical) {
    ctx.redirect(canonical, HttpStatus.PERMANENT_REDIRECT);
  }

  private Board board(Context ctx) {
    String sweep = sweepId(ctx);
    return sweeps
        .board(sweep)
        .orElseThrow(
            () -> new BadRequestException(404, "No cell of sweep '" + sweep + "' has landed."));
  }

  private void openBoard(io.javalin.http.sse.SseClient client) {
    String sweep;
    try {
      sweep = sweepId(client.ctx());
    } catch (BadRequestException e) {
      client.sendEvent("status", "{\"error\":\"bad sweep id\"}");
      client.close();
      return;
    }
    push.open(sweep, client);
  }

  private void cellPage(Context ctx, CellRow cell) {
    CellPages.Paging paging =
        new CellPages.Paging(
            PathInput.pageNumber("spans", ctx.queryParam("spans")),
            PathInput.pageNumber("calls", ctx.queryParam("calls")));
    long t0 = System.nanoTime();
    List<SpanRow> spans = cells.spans(cell.cellId());
    CellPage page = CellPages.build(cell, spans, cells.related(cell), baseUrl(ctx), paging);
    String html = templates.render("cell.jte", page);
    ctx.header("Server-Timing", "render;dur=" + Formats.fixed((System.nanoTime() - t0) / 1e6, 1));
    ctx.html(html);
  }

  private CellRow cellByTriple(Context ctx) {
    String tui = PathInput.check("agent CLI", ctx.pathParam("tui"));
    String modelTask = PathInput.check("model/task", ctx.pathParam("modelTask"));
    return cells
        .cellByTriple(tui, modelTask)
        .orElseThrow(
            () -> new BadRequestException(404, "No cell of " + tui + " on " + modelTask + "."));
  }

  private CellRow cellById(Context ctx) {
    String id = PathInput.check("cell id", ctx.pathParam("cellId"));
    return cells
        .cellById(id)
        .orElseThrow(() -> new BadRequestException(404, "No cell with id '" + id + "'."));
  }

  private Map<String, Object> cellJson(CellRow cell) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cell", cell);
    out.put("spans", cells.spans(cell.cellId()));
    out.put("related", cells.related(cell));
    return out;
  }

  // ---- badges

  private Optional<CellRow> badgeCell(Context ctx) {
    String tui = PathInput.check("agent CLI", ctx.pathParam("tui"));
    String modelTask = PathInput.stripSvg("model/task", ctx.pathParam("modelTask"));
    return cells.cellByTriple(tui, modelTask);
  }

  private static Badge badgeFor(Optional<CellRow> cell, String fallbackTitle) {
    return cell.filter(c -> c.composite() != null)
        .map(
            c ->
                Badge.forScore(
                    c.composite(),
                    "CodingAgentBench: "
                        + c.tui()
                        + " × "
                        + c.model()
                        + " "
                        + Formats.percent(c.composite())))
        .orElseGet(() -> Badge.noResult("CodingAgentBench: " + fallbackTitle + " no result"));
  }

  private void cellBadge(Context ctx) {
    Optional<CellRow> cell = badgeCell(ctx);
    String name =
        ctx.pathParam("tui") + " × " + ctx.pathParam("modelTask").replaceAll("\\.svg$", "");
    svg(ctx, cell.isPresent() ? 200 : 404, badgeFor(cell, name));
  }

  private void badgeJson(Context ctx) {
    String tui = PathInput.check("agent CLI", ctx.pathParam("tui"));
    String modelTask =
        PathInput.check("model/task", ctx.pathParam("modelTask").replaceAll("\\.svg$", ""));
    Optional<CellRow> cell = cells.cellByTriple(tui, modelTask);
    Badge b = badgeFor(cell, tui + " × " + modelTask);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("label", b.label());
    out.put("message", b.message());
    out.put("color", b.color());
    out.put("title", b.title());
    out.put("composite", cell.map(CellRow::composite).orElse(null));
    out.put("cellId", cell.map(CellRow::cellId).orElse(null));
    json(ctx, cell.isPresent() ? 200 : 404, out);
  }

  private void sweepBadge(Context ctx) {
    String sweep = PathInput.check("sweep id", ctx.pathParam("sweep"));
    String tui = PathInput.check("agent CLI", ctx.pathParam("tui"));
    String model = PathInput.stripSvg("model", ctx.pathParam("model"));
    Optional<Board.LeaderRow> row =
        sweeps
            .board(sweep)
            .flatMap(
                b ->
                    b.leaderboard().stream()
                        .filter(r -> r.tui().equals(tui) && r.model().equals(model))
                        .filter(r -> r.passRate() != null)
                        .findFirst());
    Badge badge =
        row.map(
                r ->
                    Badge.forScore(
                        r.passRate(),
                        "CodingAgentBench: "
                            + tui
                            + " × "
                            + model
                            + " pass rate "
                            + Formats.percent(r.passRate())
                            + " ("
                            + sweep
                            + ")"))
            .orElseGet(
                () -> Badge.noResult("CodingAgentBench: " + tui + " × " + model + " no result"));
    // a live sweep's pass rate moves: browsers revalidate (ETag) on every board update
    svg(ctx, row.isPresent() ? 200 : 404, badge, "no-cache");
  }

  private void svg(Context ctx, int status, Badge badge) {
    svg(ctx, status, badge, status == 200 ? "public, max-age=300" : "public, max-age=60");
  }

  private void svg(Context ctx, int status, Badge badge, String cacheControl) {
    String body = templates.render("badge.jte", badge).strip();
    String etag = "\"" + sha256(body).substring(0, 20) + "\"";
    ctx.header("ETag", etag);
    ctx.header("Cache-Control", cacheControl);
    if (etag.equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.status(status).contentType("image/svg+xml; charset=utf-8").result(body);
  }

  // ---- plumbing

  private void health(Context ctx) {
    boolean up = cells.reader().reachable();
    json(
        ctx,
        up ? 200 : 503,
        Map.of(
            "status",
            up ? "up" : "down",
            "clickhouse",
            up ? "up" : "down",
            "boards",
            push.openClients()));
  }

  private String baseUrl(Context ctx) {
    if (!settings.publicBaseUrl().isEmpty()) {
      return settings.publicBaseUrl();
    }
    String host = ctx.header("Host");
    return ctx.scheme() + "://" + (host == null ? settings.bindAddress() + ":" + port() : host);
  }

  private void error(Context ctx, int status, String message) {
    ctx.attribute(HANDLED, Boolean.TRUE);
    ctx.status(status);
    if (ctx.path().startsWith("/api/")) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", status);
      body.put("error", message);
      json(ctx, status, body);
      return;
    }
    if (ctx.path().startsWith("/badge/") || ctx.path().contains("/badge/")) {
      svg(ctx, status, Badge.noResult("CodingAgentBench: no result"));
      return;
    }
    String heading =
        switch (status) {
          case 404 -> "Not found";
          case 503 -> "ClickHouse is not reachable";
          case 500 -> "Server error";
          default -> "Bad request";
        };
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("status", status);
    params.put("heading", heading);
    params.put("message", message);
    ctx.html(templates.render("error.jte", params));
  }

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(toJson(body));
  }

  private static String toJson(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    push.close();
    app.stop();
  }
}
