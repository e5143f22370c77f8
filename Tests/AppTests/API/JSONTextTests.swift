@testable import App
import Foundation
import Testing
import Vapor

/// `JSONText` must mean exactly what the API's encoder writes for the same value.
@Suite("JSONText: hand-written JSON means what JSONEncoder writes")
struct JSONTextTests {
    private static let encoder = JSONEncoder.custom(dates: .iso8601)

    private static func parsed(_ text: String) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
    }

    private static func parsed(_ data: Data) throws -> NSDictionary {
        try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
    }

    /// A deterministic spread of moments: every kind of day from 1930 to 2100, fractions of seconds
    /// included (the encoder writes whole seconds, rounded down).
    private static var moments: [Date] {
        var state: UInt64 = 0x5EED
        var dates: [Date] = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.5), Date(timeIntervalSince1970: 951_782_400)]
        for _ in 0..<5_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let span = 4_102_444_800.0 + 1_262_304_000.0  // 1930 … 2100
            let seconds = Double(state >> 11) / Double(1 << 53) * span - 1_262_304_000.0
            dates.append(Date(timeIntervalSince1970: seconds))
        }
        return dates
    }

    @Test("Dates: the same text as the .iso8601 strategy for 5 000 moments from 1930 to 2100, fractions included")
    func dates() throws {
        for date in Self.moments {
            let text = JSONText.iso8601(date)
            let expected = String(decoding: try Self.encoder.encode([date]), as: UTF8.self).dropFirst(2).dropLast(2)
            #expect(text == String(expected), "\(date.timeIntervalSince1970)")
        }
    }

    @Test("Strings: quotes, backslashes, every control character, Norwegian letters, emoji and separators read back unchanged")
    func strings() throws {
        let hostile = ["", "Øyvind Ærlig-Åsen", "\"sitert\"", "back\\slash", "a/b", "<script>alert(1)</script>", "🙂 👩🏽‍🔧", "\u{2028}\u{2029}", "é (e\u{301})"]
            + (0..<0x20).map { "x\(Character(Unicode.Scalar($0)!))y" }
        for value in hostile {
            var object = JSONText()
            object.string("v", value)
            let ours = try Self.parsed(object.close())
            let theirs = try Self.parsed(try Self.encoder.encode(["v": value]))
            #expect(ours == theirs, "\(value.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(ours["v"] as? String == value)
        }
    }

    @Test("The portfolio and the candidate list: the same JSON as the encoder's, nil fields left out, for every field")
    func portfolio() throws {
        let counselor = CounselorDTO(id: UUID(), displayName: "Vera \"Veileder\" Ås")
        var items: [CandidateDTO] = []
        for (index, date) in Self.moments.prefix(40).enumerated() {
            let row = PortfolioQuery.Row(
                id: UUID(), fnr: "41010150000", first_name: index % 3 == 0 ? "Åse\nLinje" : "Per", last_name: "O'Brien \\ Hansen",
                municipality: nil, innsatsgruppe: Innsatsgruppe.allCases[index % 4].rawValue, main_benefit: MainBenefit.allCases[index % 7].rawValue,
                is_hybrid: index % 2 == 0, hybrid_since: index % 2 == 0 ? date : nil, last_contact_at: index % 3 == 1 ? nil : date,
                next_meeting_at: index % 5 == 0 ? date.addingTimeInterval(86_400.25) : nil, created_at: date, needs_action: index % 4 == 0 ? 1 : 0
            )
            items.append(try CandidateDTO(row, officeEnhet: "0301", counselor: counselor))
        }
        let counts = Dictionary(uniqueKeysWithValues: PortfolioFilter.allCases.enumerated().map { ($1.raw, $0 * 7) })
        for q in [nil, "sø\"k"] as [String?] {
            let portfolio = PortfolioDTO(counts: counts, filter: "trenger-handling", sort: "navn", q: q, total: 40, page: 1, pageSize: 50, items: items)
            #expect(try Self.parsed(portfolio.jsonText) == (try Self.parsed(try Self.encoder.encode(portfolio))))
        }
        let list = CandidateListDTO(items: items, total: 40, page: 2, pageSize: 50)
        #expect(try Self.parsed(list.jsonText) == (try Self.parsed(try Self.encoder.encode(list))))
        let empty = CandidateListDTO(items: [], total: 0, page: 1, pageSize: 50)
        #expect(try Self.parsed(empty.jsonText) == (try Self.parsed(try Self.encoder.encode(empty))))
    }
}
