package io.portico.plugins.jwtauth;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Parses PEM {@code PUBLIC KEY} blocks (X.509 SubjectPublicKeyInfo, RSA or EC). */
final class Pem {
    private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String END = "-----END PUBLIC KEY-----";

    private Pem() {
    }

    /**
     * The public key in {@code pem}.
     *
     * @throws IllegalArgumentException when it is not one {@code PUBLIC KEY} block of an RSA or EC key
     */
    static PublicKey publicKey(String pem) {
        String t = pem.strip();
        if (!t.startsWith(BEGIN) || !t.endsWith(END)) {
            throw new IllegalArgumentException("public-key: expected a PEM block from '" + BEGIN + "' to '" + END + "'");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(t.substring(BEGIN.length(), t.length() - END.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public-key: the PEM body is not base64", e);
        }
        for (String type : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
            } catch (Exception ignored) {
                // try the next type
            }
        }
        throw new IllegalArgumentException("public-key: not an RSA or EC public key");
    }
}
