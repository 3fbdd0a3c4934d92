package dev.cab.sink.clickhouse;

import java.util.ArrayList;
import java.util.List;

/** Splits a SQL script into statements: on ';' outside quotes and comments, comments dropped. */
final class SqlScripts {
  private SqlScripts() {}

  static List<String> split(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int n = script.length();
    int i = 0;
    while (i < n) {
      char c = script.charAt(i);
      if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
        int end = script.indexOf('\n', i);
        i = end < 0 ? n : end;
      } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
        int end = script.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        current.append(' ');
      } else if (c == '\'' || c == '"' || c == '`') {
        int j = i + 1;
        while (j < n) {
          char d = script.charAt(j);
          if (d == '\\') {
            j += 2;
            continue;
          }
          if (d == c) {
            if (j + 1 < n && script.charAt(j + 1) == c) {
              j += 2;
              continue;
            }
            break;
          }
          j++;
        }
        int end = Math.min(j + 1, n);
        current.append(script, i, end);
        i = end;
      } else if (c == ';') {
        add(statements, current);
        i++;
      } else {
        current.append(c);
        i++;
      }
    }
    add(statements, current);
    return List.copyOf(statements);
  }

  private static void add(List<String> statements, StringBuilder current) {
    String s = current.toString().strip();
    if (!s.isEmpty()) {
      statements.add(s);
    }
    current.setLength(0);
  }
}
