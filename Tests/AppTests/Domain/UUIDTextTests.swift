@testable import App
import Foundation
import Testing

@Suite("UUIDs parsed from text")
struct UUIDTextTests {
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
