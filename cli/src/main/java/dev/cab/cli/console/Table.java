package dev.cab.cli.console;

import java.io.PrintStream;
import java.util.List;

/** Prints rows as an aligned plain-text table with a header rule. */
public final class Table {
  private Table() {}

  public static void print(PrintStream out, List<String> header, List<List<String>> rows) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    line(out, header, widths);
    StringBuilder rule = new StringBuilder();
    for (int w : widths) {
      rule.append("-".repeat(w)).append("  ");
    }
    out.println(rule.toString().stripTrailing());
    rows.forEach(r -> line(out, r, widths));
  }

  private static void line(PrintStream out, List<String> cells, int[] widths) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      String c = cells.get(i);
      // numbers right-aligned, text left-aligned
      boolean numeric =
          !c.isEmpty() && c.chars().allMatch(ch -> Character.isDigit(ch) || ch == '.');
      sb.append(
          numeric
              ? " ".repeat(widths[i] - c.length()) + c
              : c + " ".repeat(widths[i] - c.length()));
      sb.append("  ");
    }
    out.println(sb.toString().stripTrailing());
  }
}
