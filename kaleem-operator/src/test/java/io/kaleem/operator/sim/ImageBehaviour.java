package io.kaleem.operator.sim;

/**
 * How the simulated kubelet runs an image. Times are in simulated seconds.
 *
 * @param pullSeconds time one image pull takes
 * @param pullFailures pulls that fail ({@code ErrImagePull}, then {@code ImagePullBackOff}) before
 *     one succeeds; {@link Integer#MAX_VALUE} for an image that does not exist
 * @param readyAfterSeconds time from container start until the readiness probe passes
 * @param crashAfterSeconds the container exits this long after each start (0: never)
 * @param oomAfterSeconds the container is OOM-killed this long after each start (0: never)
 * @param neverReady readiness never passes (the process runs)
 * @param flapEverySeconds once ready, readiness fails for {@code flapForSeconds} in every period of
 *     this length (0: no flapping)
 * @param flapForSeconds see {@code flapEverySeconds}
 */
public record ImageBehaviour(
    int pullSeconds,
    int pullFailures,
    int readyAfterSeconds,
    int crashAfterSeconds,
    int oomAfterSeconds,
    boolean neverReady,
    int flapEverySeconds,
    int flapForSeconds) {

  public static ImageBehaviour healthy() {
    return new ImageBehaviour(2, 0, 5, 0, 0, false, 0, 0);
  }

  public static ImageBehaviour slowStart(int readyAfterSeconds) {
    return new ImageBehaviour(2, 0, readyAfterSeconds, 0, 0, false, 0, 0);
  }

  public static ImageBehaviour crashLoop(int crashAfterSeconds) {
    return new ImageBehaviour(2, 0, 60, crashAfterSeconds, 0, false, 0, 0);
  }

  public static ImageBehaviour oomAfter(int seconds) {
    return new ImageBehaviour(2, 0, 5, 0, seconds, false, 0, 0);
  }

  public static ImageBehaviour pullFailsThenWorks(int failures) {
    return new ImageBehaviour(2, failures, 5, 0, 0, false, 0, 0);
  }

  public static ImageBehaviour missing() {
    return new ImageBehaviour(2, Integer.MAX_VALUE, 5, 0, 0, false, 0, 0);
  }

  public static ImageBehaviour neverReadyImage() {
    return new ImageBehaviour(2, 0, 5, 0, 0, true, 0, 0);
  }

  public static ImageBehaviour flapping(int every, int forSeconds) {
    return new ImageBehaviour(2, 0, 5, 0, 0, false, every, forSeconds);
  }
}
