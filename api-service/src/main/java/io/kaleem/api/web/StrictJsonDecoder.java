package io.kaleem.api.web;

import io.kaleem.api.errors.InvalidBodyField;
import java.util.Map;
import org.springframework.core.ResolvableType;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.codec.json.JacksonJsonDecoder;
import org.springframework.util.MimeType;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.json.JsonMapper;

/**
 * Boot's JSON decoder, refusing a body that is not well-formed UTF-8 before Jackson reads it
 * (Jackson decodes an overlong form such as {@code C0 AF} as "/", the classic way past a filter
 * that looks for the plain character). The refusal names the field the bad bytes are in.
 */
final class StrictJsonDecoder extends JacksonJsonDecoder {

  StrictJsonDecoder(JsonMapper mapper) {
    super(mapper);
  }

  @Override
  public Object decode(
      DataBuffer buffer, ResolvableType targetType, MimeType mimeType, Map<String, Object> hints)
      throws DecodingException {
    int bad = Utf8.firstMalformed(buffer);
    if (bad >= 0) {
      String field = fieldAt(buffer, bad);
      throw new DecodingException(
          "malformed UTF-8",
          new InvalidBodyField(field, "is not well-formed UTF-8 (byte " + bad + ")"));
    }
    return super.decode(buffer, targetType, mimeType, hints);
  }

  /** The field whose value or name holds byte {@code offset}: the JSON read up to it, tokenised. */
  private String fieldAt(DataBuffer buffer, int offset) {
    byte[] head = new byte[offset];
    for (int i = 0; i < offset; i++) {
      head[i] = buffer.getByte(buffer.readPosition() + i);
    }
    try (JsonParser p = getMapper().createParser(head)) {
      while (p.nextToken() != null) {
        // read until the input ends inside the string that holds the bad byte
      }
      return InvalidBodyField.field(p.streamReadContext().pathAsPointer(), "body");
    } catch (JacksonException e) {
      return e.processor() instanceof JsonParser p
          ? InvalidBodyField.field(p.streamReadContext().pathAsPointer(), "body")
          : "body";
    }
  }

  /** Validates UTF-8 as Unicode's table 3-7 defines it, without copying the buffer. */
  static final class Utf8 {

    private Utf8() {}

    /** The offset of the first byte that starts an ill-formed sequence, or -1. */
    static int firstMalformed(DataBuffer buffer) {
      int start = buffer.readPosition();
      int end = buffer.writePosition();
      int i = start;
      while (i < end) {
        int b = buffer.getByte(i) & 0xFF;
        if (b < 0x80) {
          i++;
          continue;
        }
        int len;
        int lo = 0x80;
        int hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
          len = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
          len = 3;
          if (b == 0xE0) {
            lo = 0xA0; // no overlong 3-byte forms
          } else if (b == 0xED) {
            hi = 0x9F; // no encoded surrogates
          }
        } else if (b >= 0xF0 && b <= 0xF4) {
          len = 4;
          if (b == 0xF0) {
            lo = 0x90; // no overlong 4-byte forms
          } else if (b == 0xF4) {
            hi = 0x8F; // nothing past U+10FFFF
          }
        } else {
          return i - start; // C0, C1 (overlong 2-byte), F5..FF, or a stray continuation byte
        }
        if (i + len > end) {
          return i - start;
        }
        int second = buffer.getByte(i + 1) & 0xFF;
        if (second < lo || second > hi) {
          return i - start;
        }
        for (int k = 2; k < len; k++) {
          int next = buffer.getByte(i + k) & 0xFF;
          if (next < 0x80 || next > 0xBF) {
            return i - start;
          }
        }
        i += len;
      }
      return -1;
    }
  }
}
