package io.kaleem.operator.rollout;

/** Status and event messages are read by anyone who may {@code get} the tenant: keep them short. */
public final class Messages {

  public static final int MAX = 512;

  private Messages() {}

  public static String bound(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= MAX ? s : s.substring(0, MAX - 1) + "…";
  }
}
