package smpc.party;

import java.io.IOException;
import java.util.List;
import smpc.core.protocol.LocalProtocol;
import smpc.core.protocol.SharedMaskSuite;

/** The protocol suite on party nodes and a dealer over in-process gRPC ({@link InProcessCluster}). */
class InProcessGrpcProtocolSuiteTest extends SharedMaskSuite {
  @Override
  protected Harness start(List<String> parties) throws IOException {
    return new InProcessCluster(parties, LocalProtocol.FRAC_BITS);
  }
}
