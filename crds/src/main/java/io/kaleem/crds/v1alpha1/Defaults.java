package io.kaleem.crds.v1alpha1;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
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
    Class<?> type = value.getClass();
    if (!isSpecClass(type)) {
      return value; // String, Integer, Boolean, enums: immutable
    }
    try {
      Object fresh = type.getDeclaredConstructor().newInstance();
      Object copy = type.getDeclaredConstructor().newInstance();
      for (Field f : type.getFields()) {
        if (Modifier.isStatic(f.getModifiers())) {
          continue;
        }
        Object v = f.get(value);
        f.set(copy, fill(v == null ? f.get(fresh) : v));
      }
      return (T) copy;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot default " + type.getName(), e);
    }
  }

  private static boolean isSpecClass(Class<?> type) {
    return type == KaleemTenantSpec.class
        || type.getEnclosingClass() == KaleemTenantSpec.class && !type.isEnum();
  }
}
