package io.kaleem.api.pagination;

import io.kaleem.api.errors.ApiException;
import io.kaleem.api.errors.ProblemType;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.springframework.stereotype.Component;

/**
 * Opaque, tamper-evident cursors. A cursor is {@code base64url(payload) "." base64url(hmac)}, the
 * payload being {@code version | query fingerprint | type tag | sort value | id}. The fingerprint
 * binds a cursor to the collection, filters (merchant included) and sort it was minted under, so a
 * cursor replayed against another query is refused rather than silently paging the wrong list.
 */
@Component
public class CursorCodec {

  static final String VERSION = "1";
  private static final int MAX_CURSOR_LENGTH = 512;
  private static final int SIGNATURE_BYTES = 16;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final SecretKeySpec key;

  public CursorCodec(PaginationProperties properties) {
    this.key =
        new SecretKeySpec(properties.cursorSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  String encode(String fingerprint, Position position) {
    String payload =
        String.join(
            "|",
            VERSION,
            fingerprint,
            tag(position.sortValue()),
            valueText(position.sortValue()),
            position.id().toHexString());
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    return B64.encodeToString(bytes) + "." + B64.encodeToString(sign(bytes));
  }

  Position decode(String cursor, String expectedFingerprint) {
    if (cursor.isEmpty() || cursor.length() > MAX_CURSOR_LENGTH) {
      throw invalid("the cursor is empty or too long");
    }
    int dot = cursor.indexOf('.');
    byte[] payload;
    byte[] signature;
    try {
      payload = B64D.decode(cursor.substring(0, Math.max(dot, 0)));
      signature = B64D.decode(cursor.substring(dot + 1));
    } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
      throw invalid("the cursor is malformed");
    }
    if (dot < 0 || !MessageDigest.isEqual(sign(payload), signature)) {
      throw invalid("the cursor has been altered or was not issued by this API");
    }
    String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
    if (parts.length != 5 || !VERSION.equals(parts[0])) {
      throw invalid("the cursor version is not supported; start again from the first page");
    }
    if (!parts[1].equals(expectedFingerprint)) {
      throw invalid(
          "the cursor belongs to a different query (filters, sort or merchant changed); start"
              + " again from the first page");
    }
    try {
      return new Position(parseValue(parts[2], parts[3]), new ObjectId(parts[4]));
    } catch (IllegalArgumentException e) {
      throw invalid("the cursor is malformed");
    }
  }

  /** A short digest of a query's shape; equal queries give equal fingerprints. */
  static String fingerprint(String canonicalQuery) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(canonicalQuery.getBytes(StandardCharsets.UTF_8));
      return B64.encodeToString(Arrays.copyOf(digest, 12));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] sign(byte[] payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Arrays.copyOf(mac.doFinal(payload), SIGNATURE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC unavailable", e);
    }
  }

  private static String tag(Object v) {
    if (v instanceof Date) {
      return "t";
    }
    if (v instanceof Integer) {
      return "i";
    }
    if (v instanceof Long) {
      return "l";
    }
    if (v instanceof Decimal128) {
      return "d";
    }
    if (v instanceof ObjectId) {
      return "o";
    }
    if (v instanceof Boolean) {
      return "b";
    }
    if (v instanceof String) {
      return "s";
    }
    if (v == null) {
      return "n";
    }
    throw new IllegalArgumentException("unsupported sort value type " + v.getClass());
  }

  private static String valueText(Object v) {
    if (v instanceof Date d) {
      return Long.toString(d.getTime());
    }
    if (v instanceof ObjectId o) {
      return o.toHexString();
    }
    if (v instanceof String s) {
      return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
    return String.valueOf(v);
  }

  private static Object parseValue(String tag, String text) {
    return switch (tag) {
      case "t" -> new Date(Long.parseLong(text));
      case "i" -> Integer.parseInt(text);
      case "l" -> Long.parseLong(text);
      case "d" -> Decimal128.parse(text);
      case "o" -> new ObjectId(text);
      case "b" -> Boolean.parseBoolean(text);
      case "s" -> new String(B64D.decode(text), StandardCharsets.UTF_8);
      case "n" -> null;
      default -> throw new IllegalArgumentException("unknown tag " + tag);
    };
  }

  private static ApiException invalid(String detail) {
    return new ApiException(ProblemType.INVALID_CURSOR, "Invalid cursor: " + detail);
  }
}
