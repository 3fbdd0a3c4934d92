package dev.cab.dashboards.pages;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * The jte templates under {@code src/main/jte}, compiled to classes at build time (a wrong
 * parameter type fails the build). Every {@code ${...}} is escaped for its HTML context by jte.
 * Thread-safe.
 */
public final class Templates {
  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  /** Renders a template with one parameter. */
  public String render(String template, Object param) {
    StringOutput out = new StringOutput(8192);
    engine.render(template, param, out);
    return out.toString();
  }

  /** Renders a template with named parameters. */
  public String render(String template, Map<String, Object> params) {
    StringOutput out = new StringOutput(8192);
    engine.render(template, params, out);
    return out.toString();
  }
}
