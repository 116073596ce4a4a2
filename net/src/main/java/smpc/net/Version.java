package smpc.net;

import picocli.CommandLine;

/** The project version, read from the jar manifest (falls back to "dev" in an IDE or test run). */
public final class Version {
  public static final String VERSION = detect();

  private Version() {}

  private static String detect() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v != null ? v : "0.1.0-dev";
  }

  public static final class Provider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"smpc " + VERSION};
    }
  }
}
