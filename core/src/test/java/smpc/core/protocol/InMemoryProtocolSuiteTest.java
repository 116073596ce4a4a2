package smpc.core.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import smpc.proto.Plan;

/** The protocol suite on {@link LocalProtocol}: the parties as threads of this JVM, messages and dealer in memory. */
class InMemoryProtocolSuiteTest extends SharedMaskSuite {
  @Override
  protected Harness start(List<String> parties) {
    List<Map<String, StoredValue>> stores = new ArrayList<>();
    for (int i = 0; i < parties.size(); i++) stores.add(new ConcurrentHashMap<>());
    return new Harness() {
      @Override
      public void input(StoredValue value) {
        stores.get(parties.indexOf(value.info().getOwner())).put(value.info().getName(), value);
      }

      @Override
      public List<Result> run(Plan plan) {
        List<Function<String, StoredValue>> reads = stores.stream().map(s -> (Function<String, StoredValue>) s::get).toList();
        List<PlanRunner.Outcome> out = LocalProtocol.run(plan, parties, reads, null);
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
          for (PlanRunner.Store s : out.get(i).stores()) stores.get(i).put(s.value().info().getName(), s.value());
          results.add(new Result(out.get(i).revealed(), out.get(i).stats()));
        }
        return results;
      }

      @Override
      public void delete(String name) {
        stores.forEach(s -> s.remove(name));
      }

      @Override
      public void close() {}
    };
  }
}
