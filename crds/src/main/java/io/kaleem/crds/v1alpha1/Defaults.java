package io.kaleem.crds.v1alpha1;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fills unset fields of the spec's classes from a fresh instance of the same class (its field
 * initialisers are the defaults), recursively, on a copy. Reflection over the spec's own nested
 * classes only, so the API can use it without any JSON library.
 */
final class Defaults {

  private Defaults() {}

  @SuppressWarnings("unchecked")
  static <T> T fill(T value) {
    if (value == null) {
      return null;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object o : list) {
        out.add(fill(o));
      }
      return (T) out;
    }
    Shape shape = SHAPES.get(value.getClass());
    if (shape == null) {
      return value; // String, Integer, Boolean, enums: immutable
    }
    try {
      Object fresh = shape.constructor().newInstance();
      Object copy = shape.constructor().newInstance();
      for (Field f : shape.fields()) {
        Object v = f.get(value);
        f.set(copy, fill(v == null ? f.get(fresh) : v));
      }
      return (T) copy;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot default " + value.getClass().getName(), e);
    }
  }

  /** A spec class's no-argument constructor and instance fields. */
  private record Shape(Constructor<?> constructor, List<Field> fields) {}

  /**
   * Per class, looked up once: {@code getFields}, {@code getDeclaredConstructor} and {@code
   * getEnclosingClass} copy or search reflection data on every call, which was most of the cost of
   * defaulting a spec (once per tenant per reconcile, on a fleet). Null for other classes.
   */
  private static final ClassValue<Shape> SHAPES =
      new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
          if (!isSpecClass(type)) {
            return null;
          }
          try {
            return new Shape(
                type.getDeclaredConstructor(),
                Arrays.stream(type.getFields())
                    .filter(f -> !Modifier.isStatic(f.getModifiers()))
                    .toList());
          } catch (NoSuchMethodException e) {
            throw new IllegalStateException("cannot default " + type.getName(), e);
          }
        }
      };

  private static boolean isSpecClass(Class<?> type) {
    return type == KaleemTenantSpec.class
        || type.getEnclosingClass() == KaleemTenantSpec.class && !type.isEnum();
  }
}
