package smpc.sdk;

/**
 * How one process of the cluster answered a status call: its figures when it answered, else the error.
 *
 * @param rssBytes the process's resident memory, 0 where it cannot tell
 * @param heapLiveBytes its heap in use after the latest garbage collection (the live need, not what the JVM keeps)
 * @param error why it did not answer, or null when it did
 */
public record ProcessStatus(String name, String role, String address, String version, long storedValues, int activeSessions,
    int fracBits, long bytesSent, long bufferedBytes, int pendingMessages, long rssBytes, long heapLiveBytes, SmpcException error) {
  static ProcessStatus of(String address, smpc.proto.StatusReply r) {
    return new ProcessStatus(r.getName(), r.getRole(), address, r.getVersion(), r.getStoredValues(), r.getActiveSessions(),
        r.getFracBits(), r.getBytesSent(), r.getBufferedBytes(), r.getPendingMessages(),
        r.getRssBytes(), r.getHeapLiveBytes(), null);
  }

  static ProcessStatus down(String name, String role, String address, SmpcException error) {
    return new ProcessStatus(name, role, address, null, 0, 0, 0, 0, 0, 0, 0, 0, error);
  }

  public boolean up() {
    return error == null;
  }
}
