package smpc.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trust bundle's checks: which organisation certifies whom, key usage by role, pinning, revocation. */
class TrustTest {
  @TempDir static Path dir;
  static TestPki.Ca alice, bob, dealer;
  static X509Certificate aliceParty, bobParty, clientAlice, dealerCert;

  @BeforeAll
  static void pki() throws Exception {
    alice = TestPki.ca("alice").trustedIn(dir);
    bob = TestPki.ca("bob").trustedIn(dir);
    dealer = TestPki.ca("dealer").trustedIn(dir);
    aliceParty = TestPki.issue(dir, alice, "alice", Tls.PARTY, true);
    bobParty = TestPki.issue(dir, bob, "bob", Tls.PARTY, true);
    clientAlice = TestPki.issue(dir, alice, "client-alice", Tls.CLIENT, false);
    dealerCert = TestPki.issue(dir, dealer, "dealer", Tls.DEALER, true);
  }

  static Trust trust() {
    return Trust.of(dir);
  }

  @Test
  void eachPrincipalBelongsToTheOrganisationItsNameSays() {
    assertThat(Trust.organisation("alice", Tls.PARTY)).isEqualTo("alice");
    assertThat(Trust.organisation("client-alice", Tls.CLIENT)).isEqualTo("alice");
    assertThat(Trust.organisation("admin-bob", Tls.ADMIN)).isEqualTo("bob");
    assertThat(Trust.organisation("dealer", Tls.DEALER)).isEqualTo("dealer");
    // names that make no principal: a role that does not fit the name, or an unknown role
    assertThat(Trust.organisation("client-alice", Tls.PARTY)).isNull();
    assertThat(Trust.organisation("dealer", Tls.PARTY)).isNull();
    assertThat(Trust.organisation("alice", Tls.CLIENT)).isNull();
    assertThat(Trust.organisation("alice", Tls.DEALER)).isNull();
    assertThat(Trust.organisation("alice", "ca")).isNull();
  }

  @Test
  void aCertificateIsAcceptedOnlyFromItsOwnOrganisationsAuthority() throws Exception {
    assertThat(trust().verify(new X509Certificate[] {aliceParty}, "UNKNOWN", true, null))
        .isEqualTo(new Trust.Identity("alice", Tls.PARTY, "alice"));
    assertThat(trust().verify(new X509Certificate[] {clientAlice}, "UNKNOWN", false, null).organisation()).isEqualTo("alice");
    Path forged = dir.resolve("forged");
    X509Certificate aliceByBob = TestPki.issue(forged, bob, "alice", Tls.PARTY, true);
    X509Certificate clientAliceByBob = TestPki.issue(forged, bob, "client-alice", Tls.CLIENT, false);
    X509Certificate dealerByBob = TestPki.issue(forged, bob, "dealer", Tls.DEALER, true);
    for (X509Certificate c : new X509Certificate[] {aliceByBob, clientAliceByBob}) {
      for (boolean server : new boolean[] {true, false}) {
        if (server && c == clientAliceByBob) continue;
        assertThatThrownBy(() -> trust().verify(new X509Certificate[] {c}, "UNKNOWN", server, null))
            .isInstanceOf(Trust.Refused.class).hasMessageContaining("is not valid from alice's authority");
      }
    }
    assertThatThrownBy(() -> trust().verify(new X509Certificate[] {dealerByBob}, "UNKNOWN", true, null))
        .isInstanceOf(Trust.Refused.class).hasMessageContaining("certificate of dealer 'dealer' is not valid from dealer's authority");
  }

  @Test
  void anOrganisationOutsideTheBundleCertifiesNobody() throws Exception {
    X509Certificate carol = TestPki.issue(dir.resolve("outsider"), TestPki.ca("carol"), "carol", Tls.PARTY, true);
    assertThatThrownBy(() -> trust().verify(new X509Certificate[] {carol}, "UNKNOWN", false, null))
        .isInstanceOf(Trust.Refused.class).hasMessageContaining("the trust bundle has no authority for organisation 'carol'");
  }

  @Test
  void onlyServerCertificatesOfServingRolesServe() throws Exception {
    assertThatThrownBy(() -> trust().verify(new X509Certificate[] {clientAlice}, "UNKNOWN", true, null))
        .isInstanceOf(Trust.Refused.class).hasMessageContaining("client 'client-alice' is not a server");
    // a party's certificate made for calling only (clientAuth) does not serve either
    X509Certificate callerOnly = TestPki.issue(dir.resolve("caller-only"), alice, "alice", Tls.PARTY, false);
    assertThatThrownBy(() -> trust().verify(new X509Certificate[] {callerOnly}, "UNKNOWN", true, null))
        .isInstanceOf(Trust.Refused.class).hasMessageContaining("is not valid from alice's authority");
  }

  @Test
  void aPinnedClientAcceptsOnlyThePrincipalItMeant() throws Exception {
    trust().manager("alice").checkServerTrusted(new X509Certificate[] {aliceParty}, "UNKNOWN");
    assertThatThrownBy(() -> trust().manager("alice").checkServerTrusted(new X509Certificate[] {bobParty}, "UNKNOWN"))
        .isInstanceOf(Trust.Refused.class).hasMessage("expected party 'alice' but the server presented party 'bob'");
    assertThatThrownBy(() -> trust().manager(Tls.DEALER_NAME).checkServerTrusted(new X509Certificate[] {aliceParty}, "UNKNOWN"))
        .isInstanceOf(Trust.Refused.class).hasMessage("expected dealer 'dealer' but the server presented party 'alice'");
    assertThatThrownBy(() -> trust().manager("dealer-like").checkServerTrusted(new X509Certificate[] {dealerCert}, "UNKNOWN"))
        .isInstanceOf(Trust.Refused.class).hasMessage("expected party 'dealer-like' but the server presented dealer 'dealer'");
  }

  @Test
  void aRevokedCertificateIsRefusedOnceTheListChanges() throws Exception {
    Path own = Files.createDirectories(dir.resolve("revoking"));
    TestPki.Ca carol = TestPki.ca("carol").trustedIn(own);
    X509Certificate client = TestPki.issue(own, carol, "client-carol", Tls.CLIENT, false);
    X509Certificate other = TestPki.issue(own.resolve("other"), carol, "client-carol", Tls.CLIENT, false);
    Trust t = Trust.of(own);
    t.verify(new X509Certificate[] {client}, "UNKNOWN", false, null);
    Files.writeString(own.resolve(Trust.DIR).resolve("carol" + Trust.REVOKED), "# revoked\n" + client.getSerialNumber().toString(16) + "  # lost laptop\n");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < until && !t.isRevoked("carol", client.getSerialNumber())) Thread.sleep(100);
    assertThatThrownBy(() -> t.verify(new X509Certificate[] {client}, "UNKNOWN", false, null))
        .isInstanceOf(Trust.Refused.class)
        .hasMessage("certificate of client 'client-carol' (serial %s) is revoked by carol", client.getSerialNumber().toString(16));
    // the same principal's other certificates still work
    assertThat(t.verify(new X509Certificate[] {other}, "UNKNOWN", false, null).principal()).isEqualTo("client-carol");
  }

  /**
   * A CA file replaced in place, the directory's time unchanged (a copy that keeps times, or an edit within the
   * clock's resolution), makes a new bundle: the old CA's certificates are refused, the new one's accepted.
   */
  @Test
  void aCaReplacedInPlaceIsUsedAtOnce() throws Exception {
    Path own = Files.createDirectories(dir.resolve("replacing"));
    TestPki.Ca first = TestPki.ca("carol").trustedIn(own);
    X509Certificate byFirst = TestPki.issue(own.resolve("a"), first, "client-carol", Tls.CLIENT, false);
    assertThat(Trust.of(own).verify(new X509Certificate[] {byFirst}, "UNKNOWN", false, null).principal()).isEqualTo("client-carol");
    Path trustDir = own.resolve(Trust.DIR);
    var dirTime = Files.getLastModifiedTime(trustDir);
    var fileTime = Files.getLastModifiedTime(trustDir.resolve("carol.pem"));
    TestPki.Ca second = TestPki.ca("carol").trustedIn(own);
    Files.setLastModifiedTime(trustDir.resolve("carol.pem"), fileTime);
    Files.setLastModifiedTime(trustDir, dirTime);
    X509Certificate bySecond = TestPki.issue(own.resolve("b"), second, "client-carol", Tls.CLIENT, false);
    assertThatThrownBy(() -> Trust.of(own).verify(new X509Certificate[] {byFirst}, "UNKNOWN", false, null))
        .isInstanceOf(Trust.Refused.class).hasMessageContaining("is not valid from carol's authority");
    assertThat(Trust.of(own).verify(new X509Certificate[] {bySecond}, "UNKNOWN", false, null).principal()).isEqualTo("client-carol");
  }

  /** A revocation list replaced by a copy that kept the old list's time is read all the same. */
  @Test
  void aRevocationListCopiedWithItsOldTimeIsRead() throws Exception {
    Path own = Files.createDirectories(dir.resolve("revoking-copy"));
    TestPki.Ca carol = TestPki.ca("carol").trustedIn(own);
    X509Certificate client = TestPki.issue(own, carol, "client-carol", Tls.CLIENT, false);
    Path list = own.resolve(Trust.DIR).resolve("carol" + Trust.REVOKED);
    Files.writeString(list, "# none yet\n");
    Trust t = Trust.of(own);
    assertThat(t.isRevoked("carol", client.getSerialNumber())).isFalse();
    var time = Files.getLastModifiedTime(list);
    Files.writeString(list, client.getSerialNumber().toString(16) + "\n");
    Files.setLastModifiedTime(list, time);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < until && !t.isRevoked("carol", client.getSerialNumber())) Thread.sleep(100);
    assertThat(t.isRevoked("carol", client.getSerialNumber())).isTrue();
  }

  @Test
  void anExpiredCertificateIsNotCurrent() throws Exception {
    Path own = Files.createDirectories(dir.resolve("expiring"));
    X509Certificate expired = TestPki.issue(own, alice, "client-alice", Tls.CLIENT, false, java.time.Instant.now().minusSeconds(60));
    Trust.Identity who = new Trust.Identity("client-alice", Tls.CLIENT, "alice");
    assertThatThrownBy(() -> trust().requireCurrent(who, expired)).isInstanceOf(Trust.Refused.class)
        .hasMessageStartingWith("certificate of client 'client-alice' expired at ");
    trust().requireCurrent(who, clientAlice);
    // a certificate still valid whose organisation's CA certificate has expired
    Path lapsed = Files.createDirectories(dir.resolve("lapsed-ca"));
    TestPki.Ca carol = TestPki.ca("carol", java.time.Instant.now().minusSeconds(60)).trustedIn(lapsed);
    X509Certificate client = TestPki.issue(lapsed, carol, "client-carol", Tls.CLIENT, false);
    assertThatThrownBy(() -> Trust.of(lapsed).requireCurrent(new Trust.Identity("client-carol", Tls.CLIENT, "carol"), client))
        .isInstanceOf(Trust.Refused.class).hasMessageStartingWith("the CA certificate of carol, which issued client 'client-carol', expired at ");
  }
}
