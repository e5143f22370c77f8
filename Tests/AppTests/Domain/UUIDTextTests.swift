@testable import App
import Vapor
import Foundation
import Testing

@Suite("UUIDs and digests to and from text")
struct UUIDTextTests {
    @Test("a UUID written as Foundation writes it: 36 characters, capitals")
    func writtenAsFoundation() {
        for _ in 0 ..< 5_000 {
            let id = UUID()
            #expect(id.text == id.uuidString)
        }
        for text in ["00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "0123ABCD-89EF-4567-89AB-CDEF01234567"] {
            #expect(UUID(uuidString: text)!.text == text)
        }
    }

    @Test("a SHA-256 digest in lowercase hex, two digits a byte, as String(format: \"%02x\") writes it")
    func digestHex() {
        var random = SplitMix64(seed: 7)
        for length in 0 ..< 300 {
            let bytes = (0 ..< length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let digest = SHA256.hash(data: Data(bytes))
            #expect(digest.hexString == digest.map { String(format: "%02x", $0) }.joined())
        }
        #expect(SecretToken.digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("the same UUID as Foundation's parser, in upper and lower case")
    func sameAsFoundation() {
        for _ in 0 ..< 5_000 {
            let id = UUID()
            #expect(UUID(text: id.uuidString) == id)
            #expect(UUID(text: id.uuidString.lowercased()) == id)
        }
        for text in ["00000000-0000-0000-0000-000000000000", "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", "0123abcd-89EF-4567-89ab-CDEF01234567"] {
            #expect(UUID(text: text) == UUID(uuidString: text))
            #expect(UUID(text: text) != nil)
        }
    }

    @Test("malformed text is refused (stricter than Foundation, whose sscanf takes a space or a sign for a digit)")
    func refusesMalformed() {
        let good = "0123ABCD-89EF-4567-89AB-CDEF01234567"
        var bad = ["", good.dropLast().description, good + "0", good.replacingOccurrences(of: "-", with: ""),
                   "0123ABCD+89EF-4567-89AB-CDEF01234567", "0123ABCD-89EF-4567-89AB-CDEF0123456G", "{0123ABCD-89EF-4567-89AB-CDEF01234567}",
                   "0123ABC-D89EF-4567-89AB-CDEF01234567", " 123ABCD-89EF-4567-89AB-CDEF01234567", "0123ABCD-89EF-4567-89AB-CDEF0123456ø"]
        // Every single character replaced by one that does not belong there.
        for index in good.indices {
            for replacement in ["g", "-", " ", "Z", "é"] where String(good[index]) != replacement {
                var text = good
                text.replaceSubrange(index ... index, with: replacement)
                bad.append(text)
            }
        }
        #expect(bad.count > 150)
        for text in bad {
            #expect(UUID(text: text) == nil, "\(text)")
        }
    }
}
