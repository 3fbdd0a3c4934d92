package dev.cab.embedded.clickhouse.internal.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The users the server accepts, read from a subset of ClickHouse's own {@code users.xml}, so the
 * same file also configures a real server:
 *
 * <pre>{@code
 * <clickhouse>
 *   <profiles>
 *     <default/>
 *     <readonly><readonly>1</readonly></readonly>   <!-- 1: reads only; 2: reads and SET -->
 *   </profiles>
 *   <users>
 *     <default><password></password></default>    <!-- or <no_password/> -->
 *     <writer><password_sha256_hex>5e88...</password_sha256_hex></writer>
 *     <reader>
 *       <password>secret</password>
 *       <profile>readonly</profile>
 *       <allow_databases><database>cab</database></allow_databases>   <!-- optional -->
 *       <grants><query>GRANT SELECT ON cab.*</query></grants>          <!-- optional -->
 *     </reader>
 *   </users>
 * </clickhouse>
 * }</pre>
 *
 * A profile's other settings ({@code max_execution_time}, {@code max_memory_usage}, ...) are set
 * for each query of its users, before {@code readonly}, so a read-only user cannot change them.
 * {@code <grants>} are checked by the HTTP layer ({@link Grants}); a user without them may do
 * anything its readonly level allows. Other elements ({@code networks}, {@code quota}, ...) are
 * ignored. A user without a password element has the empty password. Immutable and thread-safe.
 */
public final class Users {

  /** One account: how to check its password and what it may do. */
  public record User(
      String name,
      String passwordSha256Hex,
      int readonly,
      Set<String> allowedDatabases,
      Map<String, String> settings,
      Grants grants) {

    public User {
      allowedDatabases = Set.copyOf(allowedDatabases);
      settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    public User(String name, String passwordSha256Hex, int readonly, Set<String> allowedDatabases) {
      this(name, passwordSha256Hex, readonly, allowedDatabases, Map.of(), null);
    }

    /** Whether {@code database} may be the current database (empty set: every database). */
    public boolean mayUse(String database) {
      return allowedDatabases.isEmpty() || allowedDatabases.contains(database);
    }

    @Override
    public String toString() {
      // Never print the password hash.
      return "User[" + name + ", readonly=" + readonly + ", databases=" + allowedDatabases + "]";
    }
  }

  private final Map<String, User> users;

  private Users(Map<String, User> users) {
    this.users = Map.copyOf(users);
  }

  /** A stock server: user {@code default} with no password and no restrictions. */
  public static Users defaults() {
    return new Users(Map.of("default", new User("default", sha256Hex(""), 0, Set.of())));
  }

  /**
   * Reads a users file.
   *
   * @throws IllegalArgumentException listing every problem found, if the file is not valid
   */
  public static Users load(Path file) throws IOException {
    Document document;
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      document = builder.parse(file.toFile());
    } catch (ParserConfigurationException | SAXException e) {
      throw new IllegalArgumentException("users file " + file + " is not valid XML: " + e, e);
    }
    List<String> problems = new ArrayList<>();
    Element root = document.getDocumentElement();
    if (!Set.of("clickhouse", "yandex").contains(root.getTagName())) {
      problems.add("the root element must be <clickhouse>, not <" + root.getTagName() + ">");
    }
    Map<String, Integer> profiles = new LinkedHashMap<>();
    Map<String, Map<String, String>> profileSettings = new LinkedHashMap<>();
    profiles.put("default", 0);
    profileSettings.put("default", Map.of());
    Element profilesElement = child(root, "profiles");
    if (profilesElement != null) {
      for (Element profile : children(profilesElement)) {
        Element readonly = child(profile, "readonly");
        int level = 0;
        if (readonly != null) {
          level =
              parseReadonly(readonly.getTextContent(), "profile " + profile.getTagName(), problems);
        }
        profiles.put(profile.getTagName(), level);
        Map<String, String> settings = new LinkedHashMap<>();
        for (Element setting : children(profile)) {
          String name = setting.getTagName();
          String value = setting.getTextContent().strip();
          if (name.equals("readonly")) {
            continue;
          }
          if (!name.matches("[a-z_][a-z0-9_]*") || !value.matches("[A-Za-z0-9_.\\-]+")) {
            problems.add(
                "profile " + profile.getTagName() + ": setting " + name + " is not a plain value");
            continue;
          }
          settings.put(name, value);
        }
        profileSettings.put(profile.getTagName(), settings);
      }
    }
    Map<String, User> users = new LinkedHashMap<>();
    Element usersElement = child(root, "users");
    if (usersElement == null) {
      problems.add("no <users> element");
    } else {
      for (Element user : children(usersElement)) {
        String name = user.getTagName();
        Element plain = child(user, "password");
        Element hashed = child(user, "password_sha256_hex");
        String hash;
        if (plain != null && hashed != null) {
          problems.add("user " + name + " has both <password> and <password_sha256_hex>");
          continue;
        } else if (hashed != null) {
          hash = hashed.getTextContent().strip().toLowerCase(Locale.ROOT);
          if (!hash.matches("[0-9a-f]{64}")) {
            problems.add("user " + name + ": <password_sha256_hex> must be 64 hex digits");
            continue;
          }
        } else if (plain != null) {
          hash = sha256Hex(plain.getTextContent());
        } else {
          hash = sha256Hex("");
        }
        Element profileElement = child(user, "profile");
        String profile =
            profileElement == null ? "default" : profileElement.getTextContent().strip();
        Integer readonly = profiles.get(profile);
        if (readonly == null) {
          problems.add("user " + name + " names profile " + profile + ", which is not defined");
          continue;
        }
        Set<String> databases = new LinkedHashSet<>();
        Element allow = child(user, "allow_databases");
        if (allow != null) {
          for (Element db : children(allow)) {
            databases.add(db.getTextContent().strip());
          }
        }
        Grants grants = null;
        Element grantsElement = child(user, "grants");
        if (grantsElement != null) {
          List<String> statements = new ArrayList<>();
          for (Element q : children(grantsElement)) {
            statements.add(q.getTextContent());
          }
          try {
            grants = Grants.parse(statements);
          } catch (IllegalArgumentException e) {
            problems.add("user " + name + ": " + e.getMessage());
            continue;
          }
        }
        users.put(
            name, new User(name, hash, readonly, databases, profileSettings.get(profile), grants));
      }
      if (users.isEmpty() && problems.isEmpty()) {
        problems.add("<users> defines no user");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "users file " + file + " is invalid:\n  - " + String.join("\n  - ", problems));
    }
    return new Users(users);
  }

  /** The user if the name is known and the password matches; constant-time comparison. */
  public Optional<User> authenticate(String name, String password) {
    User user = users.get(name);
    byte[] given = sha256Hex(password == null ? "" : password).getBytes(StandardCharsets.US_ASCII);
    byte[] expected =
        (user == null ? sha256Hex("\0no such user") : user.passwordSha256Hex())
            .getBytes(StandardCharsets.US_ASCII);
    boolean matches = MessageDigest.isEqual(given, expected);
    return user != null && matches ? Optional.of(user) : Optional.empty();
  }

  /** The names of all users, for the start-up log. */
  public Set<String> names() {
    return users.keySet();
  }

  static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static int parseReadonly(String text, String where, List<String> problems) {
    String value = text.strip();
    return switch (value) {
      case "0", "false" -> 0;
      case "1", "true" -> 1;
      case "2" -> 2;
      default -> {
        problems.add(where + ": <readonly> must be 0, 1 or 2, not '" + value + "'");
        yield 0;
      }
    };
  }

  private static Element child(Element parent, String name) {
    for (Element e : children(parent)) {
      if (e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        out.add(e);
      }
    }
    return out;
  }
}
