package io.beamline.ipc.process.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.security.cert.CertPathBuilderException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The one line that names why a connection to NATS failed, from the exceptions the JDK and jnats give. */
class ConnectFailureTest {

    @Test
    void anUntrustedServerCertificateIsAnUnknownCa() {
        SSLHandshakeException e = new SSLHandshakeException("PKIX path building failed");
        e.initCause(new CertPathBuilderException("unable to find valid certification path to requested target"));
        assertThat(ConnectFailure.describe(e)).isEqualTo("TLS handshake failed: unknown CA (the server's certificate "
                + "is not signed by a trusted CA): unable to find valid certification path to requested target");
    }

    @Test
    void aRefusedClientCertificateIsNamed() {
        assertThat(ConnectFailure.describe(new SSLHandshakeException("Received fatal alert: certificate_required")))
                .isEqualTo("TLS handshake failed: the server refused our client certificate: "
                        + "Received fatal alert: certificate_required");
    }

    @Test
    void refusedCredentialsAreAnAuthorizationViolation() {
        assertThat(ConnectFailure.serverError("'Authorization Violation'")).isEqualTo("authorization violation: the "
                + "server refused the credentials (user/password, token, NKey or creds file): Authorization Violation");
        assertThat(ConnectFailure.describe(new IOException("Authentication error connecting to NATS server: "
                + "Authorization Violation"))).startsWith("authorization violation: the server refused the credentials");
    }

    @Test
    void aServerThatIsNotThereIsUnreachableAndUrlsInMessagesAreRedacted() {
        assertThat(ConnectFailure.describe(new ConnectException("Connection refused")))
                .isEqualTo("cannot reach the server: Connection refused");
        assertThat(ConnectFailure.describe(new IOException("Unable to connect to NATS servers: [nats://u:pw@h:1]")))
                .isEqualTo("java.io.IOException: Unable to connect to NATS servers: [nats://u:****@h:1]");
    }

    @Test
    void onlyTheNamedCausesCountAsNamed() {
        assertThat(ConnectFailure.isNamed(ConnectFailure.describe(new ConnectException("Connection refused")))).isTrue();
        assertThat(ConnectFailure.isNamed(ConnectFailure.serverError("Authorization Violation"))).isTrue();
        assertThat(ConnectFailure.isNamed(ConnectFailure.describe(new TimeoutException()))).isFalse();
        assertThat(ConnectFailure.isNamed(ConnectFailure.serverError("Permissions Violation for Publish"))).isFalse();
    }
}
