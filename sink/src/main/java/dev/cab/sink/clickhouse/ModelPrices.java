package dev.cab.sink.clickhouse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A versioned price table: USD per million input, output, cache-read and cache-creation tokens per
 * model, read from a small tab-separated file and loaded into {@code <database>.model_prices},
 * where the analytics views turn token totals into cost. Format (see the bundled {@link #DEFAULT}):
 *
 * <pre>
 * # comment
 * version	cab-prices-2026-12-01
 * stepfun-ai/step-3.5-flash	0.10	0.30	0.02	0.125
 * </pre>
 *
 * Immutable.
 *
 * @param version the price version, stored with every row
 * @param prices one per model
 */
public record ModelPrices(String version, List<Price> prices) {

  /** The bundled default price file (classpath resource). */
  public static final String DEFAULT = "/dev/cab/sink/prices/model-prices.tsv";

  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");

  /**
   * One model's prices in USD per million tokens.
   *
   * @param model the model, as in {@code gen_ai.request.model}
   * @param input uncached input tokens
   * @param output output tokens
   * @param cacheRead input tokens read from the prompt cache
   * @param cacheCreation input tokens written to the prompt cache
   */
  public record Price(
      String model, double input, double output, double cacheRead, double cacheCreation) {}

  public ModelPrices {
    prices = List.copyOf(prices);
  }

  /** The bundled default prices. */
  public static ModelPrices defaults() {
    try (InputStream in = ModelPrices.class.getResourceAsStream(DEFAULT)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULT + " is not on the classpath");
      }
      return parse(new InputStreamReader(in, StandardCharsets.UTF_8), DEFAULT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a price file.
   *
   * @throws IllegalArgumentException naming the file and line of the first problem
   */
  public static ModelPrices read(Path file) {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(in, file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read price file " + file + ": " + e, e);
    }
  }

  /**
   * Parses a price file.
   *
   * @param source what to name in error messages
   * @throws IllegalArgumentException naming the source and line of the first problem
   */
  public static ModelPrices parse(Reader reader, String source) throws IOException {
    String version = null;
    List<Price> prices = new ArrayList<>();
    Set<String> models = new HashSet<>();
    BufferedReader in = new BufferedReader(reader);
    String line;
    int n = 0;
    while ((line = in.readLine()) != null) {
      n++;
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      String[] f = text.split("\t");
      String where = source + " line " + n + ": ";
      if (f[0].equals("version")) {
        if (f.length != 2 || !VERSION.matcher(f[1].strip()).matches()) {
          throw new IllegalArgumentException(where + "want 'version<TAB><id>' like cab-prices-1");
        }
        version = f[1].strip();
        continue;
      }
      if (f.length != 5) {
        throw new IllegalArgumentException(
            where
                + "want 5 tab-separated fields (model, input, output, cache_read, cache_creation"
                + " USD per million tokens), found "
                + f.length);
      }
      String model = f[0].strip();
      if (!models.add(model)) {
        throw new IllegalArgumentException(where + "model " + model + " is priced twice");
      }
      prices.add(
          new Price(
              model,
              usd(f[1], where, "input"),
              usd(f[2], where, "output"),
              usd(f[3], where, "cache_read"),
              usd(f[4], where, "cache_creation")));
    }
    if (version == null) {
      throw new IllegalArgumentException(source + ": no 'version<TAB><id>' line");
    }
    if (prices.isEmpty()) {
      throw new IllegalArgumentException(source + ": prices no model");
    }
    return new ModelPrices(version, prices);
  }

  private static double usd(String field, String where, String name) {
    try {
      double v = Double.parseDouble(field.strip());
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          where + name + " must be a non-negative number of USD, not '" + field.strip() + "'");
    }
  }

  /**
   * Loads this version into {@code <database>.model_prices} (after the migrations). Loading the
   * same version again replaces its rows; the views price with the version loaded last.
   */
  public void load(Connection connection, String database) throws SQLException {
    try (PreparedStatement st =
        connection.prepareStatement(
            "INSERT INTO "
                + database
                + ".model_prices (price_version, model, input_usd_per_mtok, output_usd_per_mtok,"
                + " cache_read_usd_per_mtok, cache_creation_usd_per_mtok) VALUES (?, ?, ?, ?, ?,"
                + " ?)")) {
      for (Price p : prices) {
        st.setString(1, version);
        st.setString(2, p.model());
        st.setDouble(3, p.input());
        st.setDouble(4, p.output());
        st.setDouble(5, p.cacheRead());
        st.setDouble(6, p.cacheCreation());
        st.addBatch();
      }
      st.executeBatch();
    }
  }
}
