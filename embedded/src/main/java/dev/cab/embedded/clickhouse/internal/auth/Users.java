package dev.cab.embedded.clickhouse.internal.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
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
 *     </reader>
 *   </users>
 * </clickhouse>
 * }</pre>
 *
 * Other elements ({@code networks}, {@code quota}, ...) are ignored. A user without a password
 * element has the empty password. Immutable and thread-safe.
 */
public final class Users {

  /** One account: how to check its password and what it may do. */
  public record User(
      String name, String passwordSha256Hex, int readonly, Set<String> allowedDatabases) {

    public User {
      allowedDatabases = Set.copyOf(allowedDatabases);
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
    profiles.put("default", 0);
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
        users.put(name, new User(name, hash, readonly, databases));
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
