@testable import App
import Fluent
import Foundation
import Testing

@Suite("DemoCandidates: realistic synthetic portfolios for the demo counselors")
struct DemoCandidatesTests {
    static let counselors = ["veileder1", "veileder2", "veileder3"]

    @Test("Each demo counselor has about forty candidates, a few of them in hybrid follow-up")
    func portfolios() async throws {
        try await withTestApp { t in
            for username in Self.counselors {
                let counselor = try await t.user(username)
                let candidates = try await Candidate.query(on: t.db).filter(\.$counselor.$id == counselor.requireID()).all()
                #expect((35...45).contains(candidates.count), "\(username): \(candidates.count)")
                #expect(candidates.allSatisfy { $0.$office.id == counselor.$office.id && $0.isDemo })

                let hybrid = candidates.filter(\.isHybrid)
                #expect((2...5).contains(hybrid.count), "\(username): \(hybrid.count) hybrid")
                for candidate in hybrid {
                    let open = try await HybridPeriod.query(on: t.db)
                        .filter(\.$candidate.$id == candidate.requireID()).filter(\.$endedOn == nil).all()
                    #expect(open.count == 1)
                    #expect(open.first?.$counselor.id == counselor.id)
                    #expect(open.first?.startedOn == candidate.hybridSince)
                    #expect(!(open.first?.reason.isEmpty ?? true))
                    let consents = try await CandidateConsent.query(on: t.db).filter(\.$candidate.$id == candidate.requireID()).all()
                    let now = t.clock.now()
                    #expect(ConsentRegister.mayShare(.goalsAndPlan, with: .mentor, at: now, consents: consents.map(\.terms)))
                    #expect(ConsentRegister.mayShare(.goalsAndPlan, with: .employer, at: now, consents: consents.map(\.terms)))
                }
                // Hybrid candidates with a pathway have their planned meetings in Samskap; all but one
                // (the demo's "no next meeting" gap) have one ahead.
                let ahead = hybrid.filter { $0.nextMeetingAt.map { $0 > t.clock.now() } ?? false }
                #expect(ahead.count >= hybrid.count - 1, "\(username): \(ahead.count) of \(hybrid.count) hybrid candidates have a next meeting")
                let nonHybridIDs = try candidates.filter { !$0.isHybrid }.map { try $0.requireID() }
                #expect(try await HybridPeriod.query(on: t.db).filter(\.$candidate.$id ~~ nonHybridIDs).count() == 0)
            }
        }
    }

    @Test("Every national ID number is a valid synthetic one, unique, and refused where synthetic numbers are not allowed")
    func syntheticNumbers() async throws {
        try await withTestApp { t in
            let candidates = try await Candidate.query(on: t.db).filter(\.$isDemo == true).all()
            #expect(candidates.count >= 3 * 35)
            #expect(Set(candidates.map(\.fnr)).count == candidates.count)
            let now = t.clock.now()
            var dNumbers = 0
            for candidate in candidates {
                let id = try NationalID(candidate.fnr, allowSynthetic: true)
                #expect(id.isSynthetic)
                if id.kind == .dNumber { dNumbers += 1 }
                #expect(throws: NationalID.Problem.syntheticNotAllowed) { try NationalID(candidate.fnr, allowSynthetic: false) }
                let birth = try #require(Calendar.oslo.date(from: id.birthDate))
                let age = try #require(Calendar.oslo.dateComponents([.year], from: birth, to: now).year)
                #expect((18...62).contains(age), "age \(age)")
            }
            #expect(dNumbers >= 1)
            #expect(dNumbers <= candidates.count / 10)
        }
    }

    @Test("The shares follow the AFI report: spesielt tilpasset and AAP are the most common")
    func distributions() async throws {
        try await withTestApp { t in
            let candidates = try await Candidate.query(on: t.db).filter(\.$isDemo == true).all()
            let groups = Dictionary(grouping: candidates, by: \.innsatsgruppe).mapValues(\.count)
            let benefits = Dictionary(grouping: candidates, by: \.mainBenefit).mapValues(\.count)
            #expect(groups.max { $0.value < $1.value }?.key == .spesieltTilpasset)
            #expect(benefits.max { $0.value < $1.value }?.key == .aap)
            #expect(Set(groups.keys) == Set(Innsatsgruppe.allCases))
            // The four benefits named in the report come first, the rest are small shares.
            let big = [MainBenefit.aap, .dagpenger, .tiltakspenger, .sosialstonad].map { benefits[$0] ?? 0 }
            let small = [MainBenefit.kvalifiseringsstonad, .uforetrygd, .ingen].map { benefits[$0] ?? 0 }
            #expect(big.min()! > small.max()!)
            #expect(big == big.sorted(by: >))
            // About a quarter are learning Norwegian.
            let learning = candidates.filter { [.a2, .b1, .b2].contains($0.norwegianLevel) }.count
            #expect((candidates.count / 6...candidates.count / 3).contains(learning), "\(learning) of \(candidates.count)")
        }
    }

    @Test("Names, search keys, contact details and texts look like real notes")
    func fields() async throws {
        try await withTestApp { t in
            let candidates = try await Candidate.query(on: t.db).filter(\.$isDemo == true).all()
            let now = t.clock.now()
            for candidate in candidates {
                #expect(candidate.searchKey == SearchText.folded(candidate.firstName, candidate.lastName))
                if let phone = candidate.phone {
                    #expect(phone.wholeMatch(of: /4\d\d \d\d \d\d\d/) != nil, "\(phone)")
                }
                if let email = candidate.email { #expect(email.hasSuffix("@example.no") && email.allSatisfy(\.isASCII)) }
                #expect(candidate.municipality != nil)
                #expect(!(candidate.wishes ?? "").isEmpty)
                #expect(!(candidate.wishedWork ?? "").isEmpty)
                #expect(candidate.createdAt <= now && candidate.createdAt > now.addingTimeInterval(-731 * 86_400))
                if let last = candidate.lastContactAt { #expect(last <= now && last >= candidate.createdAt) }
                if let next = candidate.nextMeetingAt { #expect(next > now && next < now.addingTimeInterval(22 * 86_400)) }
            }
            let names = candidates.map(\.fullName).joined()
            #expect(names.contains { "æøåÆØÅ".contains($0) })
            #expect(candidates.contains { $0.lastContactAt == nil })
            #expect(candidates.contains { ($0.lastContactAt ?? now) < now.addingTimeInterval(-30 * 86_400) })
            #expect(candidates.filter { ($0.lastContactAt ?? .distantPast) > now.addingTimeInterval(-30 * 86_400) }.count > candidates.count / 2)
            #expect(Set(candidates.compactMap(\.municipality)).isSuperset(of: ["Bodø", "Kristiansand"]))
        }
    }

    @Test("Every candidate has its counselor history; a few have changed counselor with a handover note")
    func counselorHistory() async throws {
        try await withTestApp { t in
            let candidates = try await Candidate.query(on: t.db).filter(\.$isDemo == true).all()
            let assignments = try await CounselorAssignment.query(on: t.db).sort(\.$changedAt).all()
            let byCandidate = Dictionary(grouping: assignments, by: \.$candidate.id)
            for candidate in candidates {
                let history = try #require(byCandidate[try candidate.requireID()])
                #expect(history.count == candidate.counselorChanges + 1)
                #expect(history.first?.$fromCounselor.id == nil)
                #expect(history.first?.seenAt != nil)
                #expect(history.last?.$toCounselor.id == candidate.$counselor.id)
                for (before, after) in zip(history, history.dropFirst()) {
                    #expect(after.$fromCounselor.id == before.$toCounselor.id)
                    #expect(!(after.situation ?? "").isEmpty)
                }
            }
            let changed = candidates.filter { $0.counselorChanges > 0 }
            #expect(!changed.isEmpty)
            #expect(changed.count <= 10)
            #expect(changed.allSatisfy { $0.$office.id == changed.first?.$office.id }, "only the office with two counselors")
        }
    }

    @Test("Some tasks are overdue, so \"trenger handling nå\" has something to show")
    func overdueActions() async throws {
        try await withTestApp { t in
            let now = t.clock.now()
            for username in Self.counselors {
                let counselor = try await t.user(username)
                let ids = try await Candidate.query(on: t.db).filter(\.$counselor.$id == counselor.requireID()).all(\.$id)
                let open = try await ActionItem.query(on: t.db).filter(\.$candidate.$id ~~ ids).filter(\.$resolvedAt == nil).all()
                let overdue = open.filter { $0.dueAt <= now }
                #expect((2...6).contains(overdue.count), "\(username): \(overdue.count)")
                #expect(open.contains { $0.dueAt > now })
                #expect(open.allSatisfy { $0.kind == "oppfolging" && !$0.title.isEmpty && $0.createdAt <= now })
            }
        }
    }

    @Test("Seeding again adds nothing, and the same clock gives the same people")
    func idempotentAndDeterministic() async throws {
        var first: [String] = []
        try await withTestApp { t in
            let counts = try await Self.counts(t)
            let audit = try await t.auditEntries(.candidateCreated).count
            #expect(audit == 3)
            _ = try await DemoSeeder(app: t.app).run()
            _ = try await DemoSeeder(app: t.app).run()
            #expect(try await Self.counts(t) == counts)
            #expect(try await t.auditEntries(.candidateCreated).count == audit)
            first = try await Candidate.query(on: t.db).all().map { "\($0.fnr) \($0.fullName) \($0.createdAt.timeIntervalSince1970)" }.sorted()
        }
        try await withTestApp { t in
            let second = try await Candidate.query(on: t.db).all().map { "\($0.fnr) \($0.fullName) \($0.createdAt.timeIntervalSince1970)" }.sorted()
            #expect(second == first)
        }
    }

    static func counts(_ t: TestApp) async throws -> [Int] {
        [
            try await Candidate.query(on: t.db).count(),
            try await CounselorAssignment.query(on: t.db).count(),
            try await HybridPeriod.query(on: t.db).count(),
            try await CandidateConsent.query(on: t.db).count(),
            try await ActionItem.query(on: t.db).count(),
        ]
    }
}
