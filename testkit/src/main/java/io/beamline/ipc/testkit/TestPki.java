package io.beamline.ipc.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made at test time with the {@code openssl} CLI (/usr/bin/openssl): a CA, a server
 * certificate for 127.0.0.1 (IP SAN), client certificates with their keys in the PEM formats users keep
 * (PKCS#8, PKCS#1 RSA, SEC1 EC), and a second CA that signed none of them. Nothing is kept between runs.
 */
public final class TestPki {

    private static final String OPENSSL = "/usr/bin/openssl";

    public final Path dir;
    public final Path caCert;
    public final Path serverCert;
    public final Path serverKey;
    /** EC P-256 client certificate with its key as PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public final Path clientCert;
    public final Path clientKeyPkcs8;
    /** The same client's key as SEC1 ({@code BEGIN EC PRIVATE KEY}). */
    public final Path clientKeySec1;
    /** An RSA client certificate with its key as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). */
    public final Path rsaClientCert;
    public final Path rsaClientKeyPkcs1;
    /** A CA that signed nothing here: trusting it alone must fail the handshake. */
    public final Path wrongCaCert;

    private TestPki(Path dir) {
        this.dir = dir;
        caCert = dir.resolve("ca.pem");
        serverCert = dir.resolve("server.pem");
        serverKey = dir.resolve("server-key.pem");
        clientCert = dir.resolve("client.pem");
        clientKeyPkcs8 = dir.resolve("client-key.pem");
        clientKeySec1 = dir.resolve("client-key-sec1.pem");
        rsaClientCert = dir.resolve("rsa-client.pem");
        rsaClientKeyPkcs1 = dir.resolve("rsa-client-key-pkcs1.pem");
        wrongCaCert = dir.resolve("wrong-ca.pem");
    }

    /** Makes every file in {@code dir}. */
    public static TestPki create(Path dir) {
        TestPki pki = new TestPki(dir);
        pki.make();
        return pki;
    }

    /** A nats-server {@code tls} block with this server certificate that requires a client certificate from the CA. */
    public String natsTlsBlock(boolean verifyClients) {
        return "tls {\n  cert_file: \"" + serverCert + "\"\n  key_file: \"" + serverKey + "\"\n  ca_file: \"" + caCert
                + "\"\n  verify: " + verifyClients + "\n  timeout: 5\n}\n";
    }

    private void make() {
        try {
            Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
            Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ca("ca");
        ca("wrong-ca");
        ecKey("server-key-sec1.pem");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "server-key-sec1.pem", "-out", "server-key.pem");
        signed("server-key.pem", "server.pem", "/CN=127.0.0.1", "server.ext");
        ecKey("client-key-sec1.pem");
        openssl("pkcs8", "-topk8", "-nocrypt", "-in", "client-key-sec1.pem", "-out", "client-key.pem");
        signed("client-key.pem", "client.pem", "/CN=beamline-gateway", "client.ext");
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "rsa-client-key.pem");
        openssl("rsa", "-in", "rsa-client-key.pem", "-traditional", "-out", "rsa-client-key-pkcs1.pem");
        signed("rsa-client-key.pem", "rsa-client.pem", "/CN=beamline-rsa-client", "client.ext");
    }

    private void ca(String name) {
        ecKey(name + "-key.pem");
        openssl("req", "-x509", "-new", "-key", name + "-key.pem", "-out", name + ".pem", "-days", "2",
                "-subj", "/CN=Beamline test " + name, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    }

    private void ecKey(String file) {
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", file);
    }

    private void signed(String key, String cert, String subject, String extFile) {
        String csr = cert + ".csr";
        openssl("req", "-new", "-key", key, "-out", csr, "-subj", subject);
        openssl("x509", "-req", "-in", csr, "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-out", cert, "-days", "2", "-extfile", extFile);
    }

    private void openssl(String... args) {
        List<String> command = new ArrayList<>();
        command.add(OPENSSL);
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("openssl did not finish: " + command);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("openssl failed (" + p.exitValue() + "): " + command + "\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
