import Foundation

/// How much synthetic data `samskap demo --scale` makes: which offices, how many counselors, how
/// many candidates each counselor has. Sizes are per office, so office scale is 1/300 and county
/// scale 1/15 of national scale for every table.
struct ScaleSpec: Sendable {
    enum Scale: String, CaseIterable, Sendable {
        case office, county, national
    }

    /// Offices as (county code, sequence): enhet number = two-digit county + two-digit sequence.
    var offices: [(county: Int, sequence: Int)]
    var counselorsPerOffice: Int
    /// Portfolio size of every counselor of an office, `v<enhet>-01` first.
    var portfolioSizes: [Int]
    /// Candidates of `v<enhet>-01` with an active pathway in hybrid follow-up with a mentor.
    var benchmarkHybrid: Int
    /// Further candidates of `v<enhet>-01` with an active pathway and an agreement.
    var benchmarkWithAgreement: Int
    var employersPerOffice: Int
    var mentorsPerOffice: Int
    /// Share of candidates with an active pathway, and closed pathways per candidate.
    var activeShare: Double
    var closedPerCandidate: Double
    /// How many years of history the data covers.
    var years: Int

    static func named(_ scale: Scale) -> ScaleSpec {
        switch scale {
        case .office: standard(offices: [(50, 1)])
        case .county: standard(offices: (1...20).map { (50, $0) })
        case .national: standard(offices: (50...64).flatMap { county in (1...20).map { (county, $0) } })
        }
    }

    /// 20 counselors per office with 2 000 candidates in all: `v…-01` has 100, the others follow the
    /// portfolio buckets of the AFI report (seed 000 L1019–1024), with the 100+ bucket heavy enough
    /// that the office reaches 2 000 (600 000 nationally).
    static func standard(offices: [(county: Int, sequence: Int)]) -> ScaleSpec {
        ScaleSpec(
            offices: offices, counselorsPerOffice: 20, portfolioSizes: standardPortfolios,
            benchmarkHybrid: 6, benchmarkWithAgreement: 6,
            employersPerOffice: 133, mentorsPerOffice: 100,
            activeShare: 0.10, closedPerCandidate: 1.0 / 3.0, years: 5
        )
    }

    /// 100 for the benchmark counselor, then 3 in 0–30, 5 in 31–60, 5 in 61–100 and 6 above 100:
    /// 100 + 75 + 250 + 425 + 1 150 = 2 000.
    static let standardPortfolios: [Int] = [100, 14, 25, 36, 42, 48, 53, 57, 50, 72, 80, 88, 92, 93, 150, 170, 185, 195, 210, 240]

    /// A small spec for tests: `offices` offices of county 50 with `counselors` counselors each.
    static func tiny(offices: Int, counselors: Int) -> ScaleSpec {
        var sizes = [30]
        for index in 1..<max(1, counselors) { sizes.append(8 + index * 5) }
        return ScaleSpec(
            offices: (1...offices).map { (50, $0) }, counselorsPerOffice: counselors, portfolioSizes: sizes,
            benchmarkHybrid: 3, benchmarkWithAgreement: 3, employersPerOffice: 12, mentorsPerOffice: 8,
            activeShare: 0.10, closedPerCandidate: 1.0 / 3.0, years: 2
        )
    }

    var candidatesPerOffice: Int { portfolioSizes.reduce(0, +) }

    static func enhet(county: Int, sequence: Int) -> String { String(format: "%02d%02d", county, sequence) }
}

/// The seeded generator every draw comes from (SplitMix64, see `DemoCandidates`), with the helpers
/// the scale generator needs. Identifiers are drawn from it too, so a seed gives the same rows.
struct ScaleRandom {
    private var rng: SplitMix64

    init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (stream &* 0xD6E8_FEB8_6659_FD93))
        rng = SplitMix64(seed: mixer.next())
    }

    mutating func next() -> UInt64 { rng.next() }

    mutating func uuid() -> UUID {
        let a = rng.next(), b = rng.next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * UInt64(i)))
            bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (8 * UInt64(i)))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// A whole number in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(rng.next() % UInt64(range.count))
    }

    mutating func chance(_ p: Double) -> Bool { Double(rng.next() >> 11) / Double(1 << 53) < p }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }

    mutating func weighted<T>(_ items: [(T, Double)]) -> T {
        let total = items.reduce(0) { $0 + $1.1 }
        var roll = Double(rng.next() >> 11) / Double(1 << 53) * total
        for (item, weight) in items {
            roll -= weight
            if roll < 0 { return item }
        }
        return items[items.count - 1].0
    }
}
