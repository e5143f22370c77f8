import Crypto
import Foundation

/// Random secrets (session ids, CSRF tokens, API tokens, passwords) and their stored digests.
public enum SecretToken {
    /// 32 random bytes, base64url without padding: 43 characters.
    public static func generate(byteCount: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64URLEncodedString()
    }

    /// SHA-256 in hex. Secrets are stored only as digests, so a copy of the database grants nothing.
    public static func digest(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).hexString
    }

    /// A password a person can type: groups of lowercase letters and digits without look-alikes.
    public static func readablePassword(groups: Int = 4, groupLength: Int = 4) -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return (0..<groups).map { _ in
            String((0..<groupLength).map { _ in alphabet.randomElement(using: &generator)! })
        }.joined(separator: "-")
    }

    /// Compares two strings in time independent of where they differ.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

extension Data {
    func base64URLEncodedString() -> String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension SHA256Digest {
    /// The 64 lowercase hexadecimal digits. Formatting each byte with `String(format:)` was 3 % of
    /// the server's CPU on the portfolio (every request's credential, every audit entry's hash).
    var hexString: String { withUnsafeBytes(HexDigits.lowercase) }
}
