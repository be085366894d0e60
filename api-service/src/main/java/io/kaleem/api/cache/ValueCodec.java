package io.kaleem.api.cache;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import org.bson.types.ObjectId;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.TypeFactory;
import tools.jackson.dataformat.smile.SmileMapper;

/**
 * Cached values as bytes: {@code [format][fingerprint: 4 bytes][kind][Smile payload]}. {@code
 * format} is this codec's layout and {@code fingerprint} the shape of the region's type (record
 * components, recursively), so an instance of another API version reading a value it cannot map
 * sees a mismatch before it parses a byte: the value is a miss and gets rewritten, never an error
 * and never a half-filled object. Smile is Jackson's binary JSON: the same record mapping as the
 * API's JSON, with back-referenced names, so a page of products is a fraction of its JSON size.
 */
final class ValueCodec {

  static final byte FORMAT = 1;
  static final byte KIND_VALUE = 0;
  static final byte KIND_ABSENT = 1;
  private static final int HEADER = 6;

  /** What an administrator's or a writer's fence looks like in L2: never a valid value. */
  static final byte[] FENCE = {0};

  private final ObjectMapper smile;

  ValueCodec() {
    SimpleModule ids = new SimpleModule("object-ids");
    ids.addSerializer(ObjectId.class, new ObjectIdSerializer());
    ids.addDeserializer(ObjectId.class, new ObjectIdDeserializer());
    this.smile = SmileMapper.builder().addModule(ids).build();
  }

  TypeFactory types() {
    return smile.getTypeFactory();
  }

  byte[] encode(CacheRegion<?> region, Object valueOrNull) {
    byte[] payload = valueOrNull == null ? new byte[0] : smile.writeValueAsBytes(valueOrNull);
    return ByteBuffer.allocate(HEADER + payload.length)
        .put(FORMAT)
        .putInt(region.fingerprint())
        .put(valueOrNull == null ? KIND_ABSENT : KIND_VALUE)
        .put(payload)
        .array();
  }

  /** A decoded L2 value; {@code value} is null for a remembered "not found". */
  record Decoded(Object value) {}

  /** Why bytes from L2 are not a value of the region: a miss either way. */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean otherVersion;

    Unreadable(String message, boolean otherVersion, Throwable cause) {
      super(message, cause, false, false);
      this.otherVersion = otherVersion;
    }
  }

  /** Null for a writer's fence (a plain miss). */
  Decoded decode(CacheRegion<?> region, byte[] bytes) throws Unreadable {
    if (bytes.length == FENCE.length && bytes[0] == FENCE[0]) {
      return null;
    }
    if (bytes.length < HEADER) {
      throw new Unreadable("value of " + bytes.length + " bytes is too short", false, null);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte format = b.get();
    int fingerprint = b.getInt();
    byte kind = b.get();
    if (format != FORMAT || fingerprint != region.fingerprint()) {
      throw new Unreadable(
          "value written by another API version (format "
              + format
              + ", shape "
              + Integer.toHexString(fingerprint)
              + ")",
          true,
          null);
    }
    if (kind == KIND_ABSENT) {
      return new Decoded(null);
    }
    if (kind != KIND_VALUE) {
      throw new Unreadable("unknown value kind " + kind, false, null);
    }
    try {
      return new Decoded(smile.readValue(bytes, HEADER, bytes.length - HEADER, region.type()));
    } catch (RuntimeException e) {
      throw new Unreadable("payload does not parse: " + e.getMessage(), false, e);
    }
  }

  /**
   * A hash of the type's shape: class names, record component names and types, recursively through
   * records, collections and maps. Renaming, adding or retyping a field changes it.
   */
  static int fingerprint(JavaType type) {
    StringBuilder shape = new StringBuilder();
    describe(type, shape, new HashSet<>());
    return shape.toString().hashCode();
  }

  private static void describe(JavaType type, StringBuilder out, Set<Class<?>> seen) {
    Class<?> raw = type.getRawClass();
    out.append(raw.getName());
    if (type.isContainerType()) {
      out.append('<');
      if (type.getKeyType() != null) {
        describe(type.getKeyType(), out, seen);
        out.append(',');
      }
      describe(type.getContentType(), out, seen);
      out.append('>');
      return;
    }
    if (raw.isEnum()) {
      for (Object c : raw.getEnumConstants()) {
        out.append('|').append(((Enum<?>) c).name());
      }
      return;
    }
    if (!raw.isRecord() || !seen.add(raw)) {
      return;
    }
    out.append('(');
    for (var component : raw.getRecordComponents()) {
      out.append(component.getName()).append(':');
      JavaType resolved =
          type.getBindings().isEmpty()
              ? TypeFactory.createDefaultInstance().constructType(component.getGenericType())
              : TypeFactory.createDefaultInstance()
                  .resolveMemberType(component.getGenericType(), type.getBindings());
      describe(resolved, out, seen);
      out.append(';');
    }
    out.append(')');
    seen.remove(raw);
  }

  private static final class ObjectIdSerializer extends ValueSerializer<ObjectId> {
    @Override
    public void serialize(ObjectId value, JsonGenerator gen, SerializationContext ctxt) {
      gen.writeString(value.toHexString());
    }
  }

  private static final class ObjectIdDeserializer extends ValueDeserializer<ObjectId> {
    @Override
    public ObjectId deserialize(JsonParser p, DeserializationContext ctxt) {
      return new ObjectId(p.getValueAsString());
    }
  }
}
