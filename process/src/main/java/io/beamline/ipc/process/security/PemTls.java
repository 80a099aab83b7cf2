package io.beamline.ipc.process.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS context from PEM files as NATS users keep them (the files nats-server itself reads): CA
 * certificates to trust, and a client certificate chain with its private key for mutual TLS. Made with the
 * JDK alone (jnats reads only key stores). Keys: unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC,
 * Ed25519), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) and SEC1 EC ({@code BEGIN EC PRIVATE KEY}) with a
 * named curve; an encrypted key is refused with a message that says how to decrypt it.
 */
public final class PemTls {

    private static final Pattern PEM_BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    // DER of the AlgorithmIdentifier OIDs a PKCS#8 wrapper needs: rsaEncryption (with NULL parameters), ecPublicKey.
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02,
            0x01};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
    private static final List<String> PKCS8_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

    private PemTls() {
    }

    /**
     * @param caFile   CA certificates to trust, or null for the JVM's default trust
     * @param certFile the client certificate (chain, leaf first), or null for no client certificate
     * @param keyFile  the client certificate's private key; given exactly when {@code certFile} is
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static SSLContext context(Path caFile, Path certFile, Path keyFile) {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a client certificate needs both its certificate file and its key file");
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(caFile == null ? null : trustStore(caFile));
            KeyManager[] keyManagers = null;
            if (certFile != null) {
                List<X509Certificate> chain = certificates(certFile);
                PrivateKey key = privateKey(keyFile);
                requireKeyMatches(key, chain.get(0), certFile, keyFile);
                char[] password = new char[0];
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("client", key, password, chain.toArray(Certificate[]::new));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, password);
                keyManagers = kmf.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, tmf.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS from the PEM files: " + e.getMessage(), e);
        }
    }

    /** Every certificate in a PEM (or DER) file; at least one. */
    public static List<X509Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            read.forEach(c -> out.add((X509Certificate) c));
            if (out.isEmpty()) {
                throw new IllegalArgumentException(file + " holds no certificate");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    /** The first private key in a PEM file, in one of the formats the class comment lists. */
    public static PrivateKey privateKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Matcher m = PEM_BLOCK.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            if (!label.endsWith("PRIVATE KEY")) {
                continue;
            }
            String body = m.group(2);
            if (label.startsWith("ENCRYPTED") || body.contains("ENCRYPTED")) {
                throw new IllegalArgumentException(file + " holds an encrypted private key; decrypt it first "
                        + "(openssl pkey -in KEY -out KEY.pem)");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(body.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": the " + label + " block is not valid base64");
            }
            return switch (label) {
                case "PRIVATE KEY" -> pkcs8(der, file);
                case "RSA PRIVATE KEY" -> generate("RSA", wrap(RSA_ALGORITHM, der), file);
                case "EC PRIVATE KEY" -> generate("EC", wrap(ecAlgorithm(der, file), der), file);
                default -> throw new IllegalArgumentException(file + ": unsupported key type " + label
                        + " (supported: PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY)");
            };
        }
        throw new IllegalArgumentException(file + " holds no PEM private key (BEGIN PRIVATE KEY, "
                + "BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
    }

    private static KeyStore trustStore(Path caFile) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        List<X509Certificate> cas = certificates(caFile);
        for (int i = 0; i < cas.size(); i++) {
            ks.setCertificateEntry("ca-" + i, cas.get(i));
        }
        return ks;
    }

    private static PrivateKey pkcs8(byte[] der, Path file) {
        for (String algorithm : PKCS8_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // not this algorithm; try the next
            }
        }
        throw new IllegalArgumentException(file + ": the PKCS#8 key is not an RSA, EC, Ed25519 or Ed448 key");
    }

    private static PrivateKey generate(String algorithm, byte[] pkcs8, Path file) {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": not a valid " + algorithm + " private key", e);
        }
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING key }. */
    private static byte[] wrap(byte[] algorithmIdentifier, byte[] key) {
        return tlv(0x30, concat(VERSION_0, algorithmIdentifier, tlv(0x04, key)));
    }

    /**
     * SEC1's ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING, [0] parameters, [1] publicKey }:
     * the curve's OID in [0] goes into the PKCS#8 AlgorithmIdentifier.
     */
    private static byte[] ecAlgorithm(byte[] sec1, Path file) {
        Der outer = Der.read(sec1, 0);
        int pos = outer.contentStart;
        while (pos < outer.end) {
            Der field = Der.read(sec1, pos);
            if (field.tag == 0xa0) {
                Der oid = Der.read(sec1, field.contentStart);
                if (oid.tag == 0x06) {
                    byte[] curve = java.util.Arrays.copyOfRange(sec1, field.contentStart, oid.end);
                    return tlv(0x30, concat(EC_PUBLIC_KEY_OID, curve));
                }
            }
            pos = field.end;
        }
        throw new IllegalArgumentException(file + ": the EC key names no curve; write it as PKCS#8 "
                + "(openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem)");
    }

    /** One DER element: its tag, where its content starts and where it ends. */
    private record Der(int tag, int contentStart, int end) {
        static Der read(byte[] b, int pos) {
            try {
                int tag = b[pos] & 0xff;
                int len = b[pos + 1] & 0xff;
                int start = pos + 2;
                if (len > 0x7f) {
                    int n = len & 0x7f;
                    if (n > 3) {
                        throw new IllegalArgumentException("a DER length of " + n + " bytes");
                    }
                    len = 0;
                    for (int i = 0; i < n; i++) {
                        len = (len << 8) | (b[start + i] & 0xff);
                    }
                    start += n;
                }
                if (start + len > b.length) {
                    throw new IllegalArgumentException("truncated DER");
                }
                return new Der(tag, start, start + len);
            } catch (ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("truncated DER");
            }
        }
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A key that is not the certificate's would only fail later, in a handshake the server ends. */
    private static void requireKeyMatches(PrivateKey key, X509Certificate cert, Path certFile, Path keyFile) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448 sign with their own names
        };
        byte[] probe = "beamline key check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException("the private key in " + keyFile + " does not belong to the certificate in "
                    + certFile);
        }
    }
}
