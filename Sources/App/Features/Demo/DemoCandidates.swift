import Fluent
import Foundation
import Vapor

/// About forty synthetic candidates in each demo counselor's portfolio, shaped like the portfolios in
/// the AFI report (seed 000): mostly "spesielt tilpasset" and AAP, a few in close hybrid follow-up.
/// Deterministic: a fixed seed per counselor and the app's clock give the same people every time.
/// Every national ID number is synthetic (month + 80), so it can never belong to a real person.
struct DemoCandidates: DemoModule {
    var name: String { "kandidater" }

    struct Portfolio: Sendable {
        var username: String
        var size: Int
        var hybrid: Int
        var seed: UInt64
        var area: [(municipality: String, weight: Double)]
    }

    static let nordland: [(municipality: String, weight: Double)] = [
        ("Bodø", 10), ("Fauske", 3), ("Saltdal", 2), ("Gildeskål", 1), ("Beiarn", 1), ("Sørfold", 1), ("Steigen", 1),
    ]
    static let agder: [(municipality: String, weight: Double)] = [
        ("Kristiansand", 10), ("Vennesla", 3), ("Lillesand", 2), ("Birkenes", 1), ("Iveland", 1), ("Lindesnes", 1),
    ]

    static let portfolios: [Portfolio] = [
        Portfolio(username: "veileder1", size: 41, hybrid: 4, seed: 0x5A3D_0000_0000_0001, area: nordland),
        Portfolio(username: "veileder2", size: 38, hybrid: 2, seed: 0x5A3D_0000_0000_0002, area: nordland),
        Portfolio(username: "veileder3", size: 44, hybrid: 3, seed: 0x5A3D_0000_0000_0003, area: agder),
    ]

    func seed(_ context: DemoSeeder.Context) async throws {
        let now = context.app.samskap.clock.now()
        let demoCounselors = try await User.query(on: context.db)
            .filter(\.$username ~~ Self.portfolios.map(\.username)).all()
        // Numbers handed out earlier in this run; the database's unique column guards the rest.
        var taken = Set<String>()
        for portfolio in Self.portfolios {
            guard let counselor = demoCounselors.first(where: { $0.username == portfolio.username }),
                  let officeID = counselor.$office.id else { continue }
            let counselorID = try counselor.requireID()
            if try await Candidate.query(on: context.db).filter(\.$counselor.$id == counselorID).first() != nil { continue }
            // A colleague at the same office for the few candidates who have changed counselor.
            let colleagueID = try demoCounselors
                .filter { $0.username != portfolio.username && $0.$office.id == officeID }
                .sorted { $0.username < $1.username }.first?.requireID()

            var people: [DemoPerson] = []
            for attempt in 0..<5 {
                var generator = DemoPortfolioGenerator(
                    portfolio: portfolio, attempt: attempt, counselorID: counselorID, colleagueID: colleagueID,
                    officeID: officeID, now: now, taken: taken
                )
                people = generator.make()
                let fnrs = people.map(\.candidate.fnr)
                let clashes = try await Candidate.query(on: context.db).filter(\.$fnr ~~ fnrs).all(\.$fnr)
                if clashes.isEmpty { break }
                taken.formUnion(clashes)
                people = []
            }
            guard !people.isEmpty else { continue }
            taken.formUnion(people.map(\.candidate.fnr))

            let batch = people
            let detail = "demo: \(batch.count) kandidater, \(batch.filter(\.candidate.isHybrid).count) i hybridoppfølging"
            try await context.app.write(context: .cli, on: context.db) { tx, audit in
                try await batch.map(\.candidate).create(on: tx)
                for person in batch { try person.attachChildren() }
                try await batch.flatMap(\.assignments).create(on: tx)
                try await batch.compactMap(\.hybridPeriod).create(on: tx)
                try await batch.flatMap(\.consents).create(on: tx)
                try await batch.flatMap(\.actions).create(on: tx)
                audit.record(AuditEvent(.candidateCreated, objectType: AuditObjectType.candidate, officeID: officeID, detail: detail))
            }
        }
    }
}

/// One generated candidate and the rows that belong to them, before they have an id.
struct DemoPerson: Sendable {
    let candidate: Candidate
    var assignments: [CounselorAssignment] = []
    var hybridPeriod: HybridPeriod?
    var consents: [CandidateConsent] = []
    var actions: [ActionItem] = []

    /// Points the child rows at the candidate once it has been inserted.
    func attachChildren() throws {
        let id = try candidate.requireID()
        for assignment in assignments { assignment.$candidate.id = id }
        hybridPeriod?.$candidate.id = id
        for consent in consents { consent.$candidate.id = id }
        for action in actions { action.$candidate.id = id }
    }
}

/// Small, fast, well-mixed generator with a fixed seed (Steele, Lea and Flood's SplitMix64), so demo
/// data never depends on the system's randomness.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds one counselor's portfolio in memory.
struct DemoPortfolioGenerator {
    let portfolio: DemoCandidates.Portfolio
    let counselorID: UUID
    let colleagueID: UUID?
    let officeID: UUID
    let now: Date
    var taken: Set<String>
    private var rng: SplitMix64
    private let calendar = Calendar.oslo
    private var usedNames = Set<String>()
    private var usedEmails = Set<String>()
    private var profileUse: [Int: Int] = [:]

    /// `attempt` counts draws that clashed with numbers already in the database; each gives a new,
    /// still fixed, seed.
    init(portfolio: DemoCandidates.Portfolio, attempt: Int, counselorID: UUID, colleagueID: UUID?, officeID: UUID, now: Date, taken: Set<String>) {
        self.portfolio = portfolio
        self.counselorID = counselorID
        self.colleagueID = colleagueID
        self.officeID = officeID
        self.now = now
        self.taken = taken
        rng = SplitMix64(seed: portfolio.seed &+ UInt64(attempt) &* 0x1000_0001)
    }

    // MARK: - The portfolio

    mutating func make() -> [DemoPerson] {
        let n = portfolio.size
        // Shares from the AFI report's survey of hybrid counselors' candidates (seed 000 L1170, L1179).
        let groups: [Innsatsgruppe] = quota(n, [(.spesieltTilpasset, 30), (.situasjonsbestemt, 22), (.standard, 10), (.varigTilpasset, 10)])
        let benefits: [MainBenefit] = quota(n, [
            (.aap, 24), (.dagpenger, 15), (.tiltakspenger, 13), (.sosialstonad, 12),
            (.kvalifiseringsstonad, 3), (.ingen, 3), (.uforetrygd, 2),
        ])
        var benefitPool = benefits.reduce(into: [MainBenefit: Int]()) { $0[$1, default: 0] += 1 }

        var people: [DemoPerson] = []
        var dNumbers = 0
        // The groups with the clearest link to a benefit choose first; situasjonsbestemt takes the rest.
        let priority: [Innsatsgruppe] = [.varigTilpasset, .spesieltTilpasset, .standard, .situasjonsbestemt]
        var benefitFor: [Int: MainBenefit] = [:]
        for index in groups.indices.sorted(by: { priority.firstIndex(of: groups[$0])! < priority.firstIndex(of: groups[$1])! }) {
            benefitFor[index] = drawBenefit(for: groups[index], from: &benefitPool)
        }
        for index in 0..<n {
            let group = groups[index]
            let benefit = benefitFor[index] ?? .aap
            let origin = weighted(Self.origins.map { ($0, $0.share) })
            let name = drawName(origin)
            let level: NorwegianLevel? = origin.newcomer
                ? weighted([(NorwegianLevel.a2, 3.0), (.b1, 4.0), (.b2, 3.0)])
                : (chance(origin.morsmal) ? .morsmal : nil)
            let profile = drawProfile(group: group, newcomer: origin.newcomer)
            let wantsDNumber = origin.newcomer && dNumbers < 2 && chance(0.35)
            if wantsDNumber { dNumbers += 1 }
            people.append(person(group: group, benefit: benefit, name: name, level: level, profile: profile, dNumber: wantsDNumber))
        }
        chooseHybrid(&people)
        addHandovers(&people)
        addActions(&people)
        return people
    }

    private mutating func person(
        group: Innsatsgruppe, benefit: MainBenefit, name: (first: String, last: String), level: NorwegianLevel?,
        profile: DemoProfile, dNumber: Bool
    ) -> DemoPerson {
        let age = weighted([(18...24, 2.0), (25...34, 3.0), (35...49, 3.0), (50...62, 2.0)])
        let years = Int.random(in: age, using: &rng)
        let anniversary = calendar.date(byAdding: .year, value: -years, to: now) ?? now
        let birth = calendar.date(byAdding: .day, value: -Int.random(in: 1...360, using: &rng), to: anniversary) ?? anniversary
        let parts = calendar.dateComponents([.year, .month, .day], from: birth)
        let fnr = uniqueFnr(day: parts.day ?? 1, month: parts.month ?? 1, year: parts.year ?? 1990, dNumber: dNumber)

        // Registered in the last two years, never before the person turned 18.
        let adult = calendar.date(byAdding: .year, value: 18, to: birth) ?? birth
        let adultDays = max(1, calendar.dateComponents([.day], from: adult, to: now).day ?? 1)
        // A weekend moves the day back by up to two days; stay inside both limits.
        let maxDays = max(1, min(727, adultDays - 3))
        let createdDays = chance(0.1) ? Int.random(in: 1...min(30, maxDays), using: &rng) : Int.random(in: min(31, maxDays)...maxDays, using: &rng)
        let created = workingTime(daysFromToday: -createdDays)
        let isNew = createdDays <= 45

        let candidate = Candidate()
        candidate.$office.id = officeID
        candidate.$counselor.id = counselorID
        candidate.fnr = fnr
        candidate.firstName = name.first
        candidate.lastName = name.last
        candidate.searchKey = SearchText.folded(name.first, name.last)
        candidate.phone = chance(0.93) ? phoneNumber() : nil
        candidate.email = chance(0.7) ? email(name) : nil
        candidate.municipality = weighted(portfolio.area.map { ($0.municipality, $0.weight) })
        candidate.innsatsgruppe = group
        candidate.mainBenefit = benefit
        // Newly registered people are still being mapped: some fields are not filled in yet.
        let mapped = !isNew || chance(0.5)
        candidate.wishes = profile.wishes
        candidate.wishedWork = profile.wishedWork
        candidate.strengths = profile.strengths
        candidate.challenges = mapped ? profile.challenges : nil
        candidate.supportNeeds = mapped ? profile.supportNeeds : nil
        candidate.education = mapped || chance(0.5) ? profile.education : nil
        candidate.workExperience = mapped ? profile.workExperience : nil
        candidate.norwegianLevel = level
        candidate.isHybrid = false
        candidate.hybridSince = nil
        candidate.counselorChanges = 0
        candidate.isDemo = true
        candidate.createdAt = created
        candidate.updatedAt = nil

        // Most were contacted lately; some not for over a month; a few never (mostly the new ones).
        let roll = Double.random(in: 0..<1, using: &rng)
        if roll < (isNew ? 0.4 : 0.05) {
            candidate.lastContactAt = nil
        } else if roll < 0.3 && createdDays > 40 {
            candidate.lastContactAt = workingTime(daysFromToday: -Int.random(in: 31...min(createdDays - 1, 200), using: &rng))
        } else {
            candidate.lastContactAt = workingTime(daysFromToday: -Int.random(in: 0...min(createdDays - 1, 30), using: &rng))
        }
        // A weekend moves a day back to Friday, which may be the day (or before the hour) of registration.
        if let last = candidate.lastContactAt, last < created {
            candidate.lastContactAt = min(now, created.addingTimeInterval(1800))
        }
        // Within three weeks, also after a weekend moves the day on to Monday.
        candidate.nextMeetingAt = chance(0.3) ? workingTime(daysFromToday: Int.random(in: 1...19, using: &rng)) : nil

        var person = DemoPerson(candidate: candidate)
        let initial = CounselorAssignment()
        initial.$toCounselor.id = counselorID
        initial.changedAt = created
        initial.$changedBy.id = counselorID
        initial.seenAt = created
        initial.$fromCounselor.id = nil
        initial.situation = nil
        initial.agreements = nil
        initial.mentor = nil
        initial.nextMeeting = nil
        initial.promised = nil
        person.assignments = [initial]
        return person
    }

    /// A few candidates get close follow-up: those who have been in the portfolio for a while and
    /// need more than standard help.
    private mutating func chooseHybrid(_ people: inout [DemoPerson]) {
        let eligible = people.indices.filter {
            let c = people[$0].candidate
            return c.innsatsgruppe != .standard && c.createdAt < now.addingTimeInterval(-40 * 86_400)
        }.shuffled(using: &rng)
        for (number, index) in eligible.prefix(portfolio.hybrid).enumerated() {
            let candidate = people[index].candidate
            let createdDays = calendar.dateComponents([.day], from: candidate.createdAt, to: now).day ?? 40
            let since = calendar.startOfDay(for: workingTime(daysFromToday: -Int.random(in: 14...min(240, createdDays - 7), using: &rng)))
            candidate.isHybrid = true
            candidate.hybridSince = since
            candidate.lastContactAt = workingTime(daysFromToday: -Int.random(in: 0...9, using: &rng))
            candidate.nextMeetingAt = workingTime(daysFromToday: Int.random(in: 1...14, using: &rng))

            let period = HybridPeriod()
            period.$counselor.id = counselorID
            period.startedOn = since
            period.reason = hybridReason(for: candidate, number: number)
            period.endedOn = nil
            period.endReason = nil
            people[index].hybridPeriod = period

            let today = calendar.startOfDay(for: now)
            let givenOn = min(today, calendar.date(byAdding: .day, value: Int.random(in: 0...3, using: &rng), to: since) ?? since)
            let expiresOn = chance(0.5) ? calendar.date(byAdding: .year, value: 1, to: givenOn) : nil
            var shared: [(DisclosureItem, DisclosureParty, ConsentForm, String?)] = [
                (.goalsAndPlan, .employer, .written, nil),
                (.goalsAndPlan, .mentor, .written, nil),
            ]
            if chance(0.5) { shared.append((.educationAndExperience, .employer, .written, nil)) }
            if number == 0 { shared.append((.healthAdaptations, .mentor, .oral, "Gjelder bare behovet for faste pauser og kortere dager i starten.")) }
            if chance(0.4) { shared.append((.contactDetails, .mentor, .written, "Mentor kan ringe eller sende melding ved fravær.")) }
            people[index].consents = shared.map { item, party, form, note in
                let consent = CandidateConsent()
                consent.item = item
                consent.party = party
                consent.givenOn = givenOn
                consent.expiresOn = expiresOn
                consent.form = form
                consent.note = note
                consent.$recordedBy.id = counselorID
                consent.recordedAt = min(now, givenOn.addingTimeInterval(Double(9 * 3600 + 15 * 60 * Int.random(in: 0...24, using: &rng))))
                consent.withdrawnAt = nil
                consent.$withdrawnBy.id = nil
                return consent
            }
        }
    }

    /// Portfolio swaps happen (seed 000 ch. 3); a few candidates came from, or went through, a colleague.
    private mutating func addHandovers(_ people: inout [DemoPerson]) {
        guard let colleagueID else { return }
        let eligible = people.indices.filter {
            let c = people[$0].candidate
            return !c.isHybrid && c.createdAt < now.addingTimeInterval(-90 * 86_400)
        }.shuffled(using: &rng)
        let count = Int.random(in: 2...3, using: &rng)
        for (number, index) in eligible.prefix(count).enumerated() {
            let candidate = people[index].candidate
            let createdDays = calendar.dateComponents([.day], from: candidate.createdAt, to: now).day ?? 90
            let note = Self.handoverNotes[(number + Int(portfolio.seed % 3)) % Self.handoverNotes.count]
            if number == 0 {
                // Twice: here first, over to the colleague, and back again.
                let away = workingTime(daysFromToday: -Int.random(in: (createdDays / 2 + 1)...(createdDays - 20), using: &rng))
                let back = workingTime(daysFromToday: -Int.random(in: 5...max(6, createdDays / 2 - 10), using: &rng))
                let earlier = Self.handoverNotes[(number + Int(portfolio.seed % 3) + 1) % Self.handoverNotes.count]
                people[index].assignments.append(handover(from: counselorID, to: colleagueID, at: away, note: earlier, seen: true))
                people[index].assignments.append(handover(from: colleagueID, to: counselorID, at: back, note: note, seen: true))
                candidate.counselorChanges = 2
            } else {
                // Registered by the colleague, then moved here; the newest note is still unread.
                let initial = people[index].assignments[0]
                initial.$toCounselor.id = colleagueID
                initial.$changedBy.id = colleagueID
                let at = workingTime(daysFromToday: -Int.random(in: 3...min(60, createdDays - 20), using: &rng))
                people[index].assignments.append(handover(from: colleagueID, to: counselorID, at: at, note: note, seen: number != 1))
                candidate.counselorChanges = 1
            }
        }
    }

    private func handover(from: UUID, to: UUID, at: Date, note: DemoHandoverNote, seen: Bool) -> CounselorAssignment {
        let assignment = CounselorAssignment()
        assignment.$fromCounselor.id = from
        assignment.$toCounselor.id = to
        assignment.changedAt = at
        assignment.$changedBy.id = from
        assignment.situation = note.situation
        assignment.agreements = note.agreements
        assignment.mentor = note.mentor
        assignment.nextMeeting = note.nextMeeting
        assignment.promised = note.promised
        assignment.seenAt = seen ? min(now, at.addingTimeInterval(26 * 3600)) : nil
        return assignment
    }

    /// Some tasks are overdue (those without recent contact), so "trenger handling nå" shows something;
    /// more are coming up, most of them for the hybrid candidates.
    private mutating func addActions(_ people: inout [DemoPerson]) {
        let month = now.addingTimeInterval(-30 * 86_400)
        let neglected = people.indices.filter {
            let c = people[$0].candidate
            return !c.isHybrid && c.createdAt < month && (c.lastContactAt ?? .distantPast) < month
        }.shuffled(using: &rng)
        let overdue = 3 + (chance(0.4) ? 1 : 0)
        for (number, index) in neglected.prefix(overdue).enumerated() {
            let due = workingTime(daysFromToday: -Int.random(in: 1...12, using: &rng))
            people[index].actions.append(action(Self.overdueTitles[(number + Int(portfolio.seed)) % Self.overdueTitles.count], due: due, created: people[index].candidate.createdAt))
        }
        let hybrid = people.indices.filter { people[$0].candidate.isHybrid }
        let others = people.indices.filter { !people[$0].candidate.isHybrid && people[$0].actions.isEmpty }.shuffled(using: &rng)
        for (number, index) in (hybrid + others.prefix(Int.random(in: 2...4, using: &rng))).enumerated() {
            let due = workingTime(daysFromToday: Int.random(in: 2...21, using: &rng))
            let titles = people[index].candidate.isHybrid ? Self.hybridTitles : Self.upcomingTitles
            people[index].actions.append(action(titles[number % titles.count], due: due, created: people[index].candidate.createdAt))
        }
    }

    private mutating func action(_ title: String, due: Date, created: Date) -> ActionItem {
        let item = ActionItem()
        item.kind = "oppfolging"
        item.title = title
        item.dueAt = due
        item.resolvedAt = nil
        let earliest = max(created, due.addingTimeInterval(-42 * 86_400))
        item.createdAt = min(now, earliest.addingTimeInterval(Double(Int.random(in: 0...7, using: &rng)) * 86_400))
        return item
    }

    // MARK: - People

    private mutating func uniqueFnr(day: Int, month: Int, year: Int, dNumber: Bool) -> String {
        var seed = Int.random(in: 0...100_000, using: &rng)
        while true {
            let fnr = NationalID.synthetic(day: day, month: month, year: year, individualSeed: seed, dNumber: dNumber)
            if taken.insert(fnr).inserted { return fnr }
            seed += 7
        }
    }

    private mutating func drawName(_ origin: DemoOrigin) -> (first: String, last: String) {
        for _ in 0..<50 {
            let female = chance(0.5)
            let first = pick(female ? origin.female : origin.male)
            let lastNames = female ? (origin.femaleLast ?? origin.last) : origin.last
            let last = chance(female ? origin.norwegianSurname : 0) ? pick(Self.norwegian.last) : pick(lastNames)
            if usedNames.insert(first + " " + last).inserted { return (first, last) }
        }
        return (pick(origin.female), pick(origin.last))
    }

    private mutating func email(_ name: (first: String, last: String)) -> String {
        func local(_ part: String) -> String {
            SearchText.foldedNeedle(part).replacingOccurrences(of: "ł", with: "l")
                .filter { $0.isASCII && ($0.isLetter || $0 == "-") }
        }
        let base = local(name.first.split(separator: " ").first.map(String.init) ?? name.first) + "." + local(name.last)
        var candidate = base
        var number = 2
        while !usedEmails.insert(candidate).inserted {
            candidate = base + String(number)
            number += 1
        }
        return candidate + "@example.no"
    }

    private mutating func phoneNumber() -> String {
        let d = (0..<7).map { _ in String(Int.random(in: 0...9, using: &rng)) }
        return "4\(d[0])\(d[1]) \(d[2])\(d[3]) \(d[4])\(d[5])\(d[6])"
    }

    /// Picks the least used profile that fits, so the texts vary across the portfolio.
    private mutating func drawProfile(group: Innsatsgruppe, newcomer: Bool) -> DemoProfile {
        let fitting = DemoProfile.all.indices.filter {
            DemoProfile.all[$0].newcomer == newcomer && DemoProfile.all[$0].groups.contains(group)
        }
        let pool = fitting.isEmpty ? DemoProfile.all.indices.filter { DemoProfile.all[$0].newcomer == newcomer } : fitting
        let fewest = pool.map { profileUse[$0, default: 0] }.min() ?? 0
        let index = pick(pool.filter { profileUse[$0, default: 0] == fewest })
        profileUse[index, default: 0] += 1
        return DemoProfile.all[index]
    }

    /// Benefits follow the innsatsgruppe loosely (AAP with the higher groups, dagpenger with standard)
    /// while the portfolio's totals stay exactly on the quota.
    private mutating func drawBenefit(for group: Innsatsgruppe, from pool: inout [MainBenefit: Int]) -> MainBenefit {
        let affinity: [MainBenefit: Double] = switch group {
        case .standard: [.dagpenger: 6, .tiltakspenger: 2, .sosialstonad: 2, .ingen: 3, .aap: 0.3, .kvalifiseringsstonad: 0.5, .uforetrygd: 0.1]
        case .situasjonsbestemt: [.dagpenger: 3, .tiltakspenger: 3, .sosialstonad: 3, .aap: 1.5, .kvalifiseringsstonad: 1.5, .ingen: 1, .uforetrygd: 0.2]
        case .spesieltTilpasset: [.aap: 5, .tiltakspenger: 2, .sosialstonad: 2, .kvalifiseringsstonad: 2, .dagpenger: 0.5, .uforetrygd: 0.5, .ingen: 0.3]
        case .varigTilpasset: [.aap: 3, .uforetrygd: 5, .sosialstonad: 1, .tiltakspenger: 1, .kvalifiseringsstonad: 0.5, .dagpenger: 0.1, .ingen: 0.5]
        }
        let options = MainBenefit.allCases.compactMap { benefit -> (MainBenefit, Double)? in
            guard let left = pool[benefit], left > 0 else { return nil }
            return (benefit, Double(left) * (affinity[benefit] ?? 0.1))
        }
        let benefit = weighted(options)
        pool[benefit, default: 1] -= 1
        return benefit
    }

    // MARK: - Dates

    /// A moment on a weekday during office hours, `daysFromToday` days from today (negative: ago),
    /// never in the future when it lies in the past.
    private mutating func workingTime(daysFromToday: Int) -> Date {
        let today = calendar.startOfDay(for: now)
        var day = calendar.date(byAdding: .day, value: daysFromToday, to: today) ?? today
        let weekday = calendar.component(.weekday, from: day)
        // Saturday and Sunday move back to Friday in the past and on to Monday in the future.
        if weekday == 7 { day = calendar.date(byAdding: .day, value: daysFromToday <= 0 ? -1 : 2, to: day) ?? day }
        if weekday == 1 { day = calendar.date(byAdding: .day, value: daysFromToday <= 0 ? -2 : 1, to: day) ?? day }
        let minutes = 8 * 60 + 15 * Int.random(in: 0...28, using: &rng)
        let moment = calendar.date(byAdding: .minute, value: minutes, to: day) ?? day
        if daysFromToday <= 0 { return min(moment, now.addingTimeInterval(-600)) }
        return moment
    }

    // MARK: - Drawing

    private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    private mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }

    private mutating func weighted<T>(_ items: [(T, Double)]) -> T {
        let total = items.reduce(0) { $0 + $1.1 }
        var roll = Double.random(in: 0..<total, using: &rng)
        for (item, weight) in items {
            if roll < weight { return item }
            roll -= weight
        }
        return items[items.count - 1].0
    }

    /// Exactly `n` values in the given proportions (largest remainder), in a shuffled order.
    private mutating func quota<T>(_ n: Int, _ shares: [(T, Double)]) -> [T] {
        let total = shares.reduce(0) { $0 + $1.1 }
        let exact = shares.map { Double(n) * $0.1 / total }
        var counts = exact.map { Int($0) }
        let order = exact.indices.sorted { (exact[$0] - Double(counts[$0])) > (exact[$1] - Double(counts[$1])) }
        for index in order.prefix(n - counts.reduce(0, +)) { counts[index] += 1 }
        return zip(shares, counts).flatMap { share, count in Array(repeating: share.0, count: count) }.shuffled(using: &rng)
    }
}

// MARK: - Invented names and texts

/// Where a name comes from, and how likely the person is still learning Norwegian.
struct DemoOrigin: Sendable {
    var share: Double
    var female: [String]
    var male: [String]
    var last: [String]
    var femaleLast: [String]? = nil
    /// Learning Norwegian (A2–B2); otherwise grew up in Norway.
    var newcomer: Bool
    /// Chance that the counselor has noted Norwegian as mother tongue (otherwise the field is empty).
    var morsmal: Double = 0
    /// Chance of a Norwegian surname (through marriage).
    var norwegianSurname: Double = 0
}

extension DemoPortfolioGenerator {
    static let norwegian = DemoOrigin(
        share: 66,
        female: ["Ingrid", "Kari", "Silje", "Marte", "Hanne", "Tone", "Åse", "Solveig", "Ida", "Linn", "Mathilde", "Eline", "Ragnhild", "Guro", "Synnøve", "Bente", "Maja", "Frøydis", "Tuva", "Hege"],
        male: ["Ola", "Espen", "Håkon", "Øyvind", "Jørgen", "Sindre", "Bjørn", "Terje", "Kristoffer", "Magnus", "Stian", "Tor Arne", "Åsmund", "Eirik", "Roar", "Ståle", "Vegard", "Kjetil", "Sølve", "Anders"],
        last: ["Hansen", "Johansen", "Olsen", "Larsen", "Andreassen", "Pedersen", "Nilsen", "Sørensen", "Bjørnstad", "Håland", "Løvås", "Strøm", "Kristiansen", "Solbakken", "Berg", "Haugen", "Aas", "Nygård", "Mikkelsen", "Fjellstad", "Nordvik", "Sæther", "Bakke", "Ødegård", "Karlsen", "Jakobsen", "Vik", "Ellingsen"],
        newcomer: false,
        morsmal: 0.5
    )

    static let origins: [DemoOrigin] = [
        norwegian,
        // Grew up in Norway with parents from elsewhere.
        DemoOrigin(
            share: 5,
            female: ["Amina", "Sara", "Nadia", "Fatima", "Mina", "Aisha"],
            male: ["Ali", "Adam", "Usman", "Omar", "Bilal", "Hamza"],
            last: ["Hussain", "Khan", "Ahmed", "Iqbal", "Butt", "Rana"],
            newcomer: false,
            morsmal: 0.2
        ),
        DemoOrigin(
            share: 3,
            female: ["Linh", "Mai", "Thu", "Lan"],
            male: ["Minh", "Duc", "Tuan", "Khoa"],
            last: ["Nguyen", "Tran", "Pham", "Le", "Vu"],
            newcomer: false,
            morsmal: 0.2
        ),
        DemoOrigin(
            share: 4,
            female: ["Hodan", "Fadumo", "Sahra", "Ifrah"],
            male: ["Abdirahman", "Mahad", "Abdullahi", "Hassan"],
            last: ["Warsame", "Abdi", "Farah", "Jama", "Osman"],
            newcomer: true
        ),
        DemoOrigin(
            share: 4,
            female: ["Rania", "Lina", "Hiba", "Dima"],
            male: ["Yousef", "Khaled", "Ahmad", "Samer"],
            last: ["Haddad", "Khalil", "Nasser", "Al-Hassan", "Darwish"],
            newcomer: true
        ),
        DemoOrigin(
            share: 4,
            female: ["Senait", "Helen", "Rahel", "Selam"],
            male: ["Yonas", "Mehari", "Filmon", "Tesfalem"],
            last: ["Tesfay", "Gebremedhin", "Haile", "Kidane", "Berhe"],
            newcomer: true
        ),
        DemoOrigin(
            share: 4,
            female: ["Agnieszka", "Katarzyna", "Magdalena", "Joanna"],
            male: ["Tomasz", "Piotr", "Paweł", "Krzysztof"],
            last: ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Zieliński"],
            femaleLast: ["Nowak", "Kowalska", "Wiśniewska", "Wójcik", "Zielińska"],
            newcomer: true
        ),
        DemoOrigin(
            share: 3,
            female: ["Zahra", "Mariam", "Shabnam", "Parwana"],
            male: ["Farid", "Mustafa", "Jawad", "Reza"],
            last: ["Rahimi", "Ahmadi", "Hosseini", "Karimi"],
            newcomer: true
        ),
        DemoOrigin(
            share: 4,
            female: ["Olena", "Oksana", "Iryna", "Kateryna"],
            male: ["Andrii", "Dmytro", "Serhii", "Oleksandr"],
            last: ["Shevchenko", "Bondarenko", "Kovalenko", "Tkachenko", "Melnyk"],
            newcomer: true
        ),
        DemoOrigin(
            share: 1.5,
            female: ["Siriporn", "Nok", "Kanya", "Malee"],
            male: ["Somchai", "Anan"],
            last: ["Srisuk", "Boonmee", "Saetang"],
            newcomer: true,
            norwegianSurname: 0.5
        ),
        DemoOrigin(
            share: 1.5,
            female: ["Maricel", "Jennalyn", "Rowena", "Analyn"],
            male: ["Jomar", "Ramon", "Jericho"],
            last: ["Santos", "Reyes", "Dela Cruz", "Bautista"],
            newcomer: true,
            norwegianSurname: 0.3
        ),
    ]

    static let hybridReasons = [
        "Motivert for arbeid etter lang tid utenfor. Trenger tett oppfølging i oppstarten på arbeidsplassen.",
        "Har vært gjennom flere tiltak uten å komme i jobb. Nå prøver vi «først ut, så trene» i en ordinær bedrift.",
        "Kandidaten ba selv om tettere oppfølging, og arbeidsgiveren har en kollega som gjerne vil være mentor.",
    ]

    /// Why close follow-up started, in line with what the candidate wants and can.
    func hybridReason(for candidate: Candidate, number: Int) -> String {
        if let level = candidate.norwegianLevel, [.a2, .b1, .b2].contains(level), number % 2 == 0 {
            return "Norsken utvikler seg godt, og neste steg er praksis på en arbeidsplass med norsktalende kolleger. Vi følger opp både kandidat og mentor tett."
        }
        if number % 2 == 0, let field = candidate.wishedWork?.split(separator: ",").first, !field.hasPrefix("usikker") {
            return "Ønsker seg jobb innen \(field), og en arbeidsgiver i nærheten har sagt ja til å stille med mentor. Tett oppfølging av både kandidat og mentor i oppstarten."
        }
        return Self.hybridReasons[(number / 2 + Int(portfolio.seed % 3)) % Self.hybridReasons.count]
    }

    static let overdueTitles = [
        "Ring kandidaten og avtal nytt møte",
        "Følg opp aktivitetsplanen",
        "Svar på melding fra kandidaten",
        "Send oppsummering etter kartleggingssamtalen",
        "Avklar videre plan etter avsluttet kurs",
        "Følg opp søknad om arbeidstrening",
    ]

    static let upcomingTitles = [
        "Oppdater CV sammen med kandidaten",
        "Forbered møte med arbeidsgiver",
        "Planlegg jobbsmak",
        "Sjekk status for søknaden om lønnstilskudd",
    ]

    static let hybridTitles = [
        "Evalueringsmøte på arbeidsplassen",
        "Følg opp mentor etter første måned",
        "Avklar timer til mentor for neste periode",
        "Samtale med kandidat og mentor om opplæringsplanen",
        "Ring arbeidsgiver: hva skal til for ansettelse?",
    ]

    static let handoverNotes = [
        DemoHandoverNote(
            situation: "Er i arbeidstrening på et lager tre dager i uka og trives godt. Litt fravær den siste måneden, som vi har snakket om.",
            agreements: "Avtale om arbeidstrening i seks måneder, med evaluering etter tre.",
            mentor: "Lagerlederen er mentor, fire timer i uka.",
            nextMeeting: "Ikke avtalt. Ring kandidaten først, og avtal så et møte på arbeidsplassen.",
            promised: "Lovet å undersøke kurs for truckførerbevis."
        ),
        DemoHandoverNote(
            situation: "Kartleggingen er ferdig. Ønsker jobb i butikk og har søkt på to stillinger uten å få svar.",
            agreements: "Ingen tiltak er startet ennå.",
            mentor: "ingen",
            nextMeeting: "Oppfølgingssamtale om to uker; innkallingen er sendt.",
            promised: "Hjelp til å oppdatere CV-en før neste søknad."
        ),
        DemoHandoverNote(
            situation: "Har nettopp avsluttet et kurs og venter på avklaring av arbeidsevnen. Motivert, men sliten.",
            agreements: "Aktivitetsplanen er oppdatert. Ingen avtaler med arbeidsgiver.",
            mentor: "ingen",
            nextMeeting: "Telefonsamtale neste uke.",
            promised: "Sende svar på spørsmålet om økonomisk støtte til førerkort."
        ),
    ]
}

struct DemoHandoverNote: Sendable {
    var situation: String
    var agreements: String
    var mentor: String
    var nextMeeting: String
    var promised: String
}

/// A coherent set of texts for one invented person, written as a counselor would note them.
struct DemoProfile: Sendable {
    var groups: Set<Innsatsgruppe>
    var newcomer = false
    var wishes: String
    var wishedWork: String
    var strengths: String
    var challenges: String
    var supportNeeds: String
    var education: String
    var workExperience: String

    static let high: Set<Innsatsgruppe> = [.spesieltTilpasset, .varigTilpasset, .situasjonsbestemt]
    static let low: Set<Innsatsgruppe> = [.standard, .situasjonsbestemt]
    static let allGroups: Set<Innsatsgruppe> = Set(Innsatsgruppe.allCases)

    static let all: [DemoProfile] = [
        DemoProfile(
            groups: high,
            wishes: "Vil jobbe med mennesker, gjerne i butikk. Liker faste oppgaver og å vite hva dagen bringer.",
            wishedWork: "butikk, kundeservice",
            strengths: "Blid og imøtekommende. Møter presis når avtalene er tydelige.",
            challenges: "Har vært borte fra arbeidslivet i mange år og er usikker på hvor mye som er mulig å klare.",
            supportNeeds: "En fast kontaktperson på arbeidsplassen og gradvis flere timer.",
            education: "Grunnskole, påbegynt videregående (salg og service).",
            workExperience: "To år som kassemedarbeider i dagligvarebutikk."
        ),
        DemoProfile(
            groups: high,
            wishes: "Ønsker praktisk arbeid og å bruke kroppen. Trives best når det ikke er for mye folk rundt.",
            wishedWork: "lager, logistikk",
            strengths: "Sterk, nøyaktig og god på rutiner. Liker å se resultatet av det som er gjort.",
            challenges: "Angst i sosiale situasjoner gjør nye steder krevende i starten.",
            supportNeeds: "Følge til første møte med arbeidsgiver og en tydelig opplæringsplan.",
            education: "Grunnskole.",
            workExperience: "Avisbud i flere år, noen måneder på lager gjennom bemanningsbyrå."
        ),
        DemoProfile(
            groups: high,
            wishes: "Drømmer om å jobbe i barnehage. Har passet søskenbarn og nabobarn i mange år.",
            wishedWork: "barnehage, SFO",
            strengths: "Tålmodig, omsorgsfull og kreativ.",
            challenges: "Lite formell kompetanse. Perioder med nedstemthet som har gitt fravær.",
            supportNeeds: "En mentor som gir trygghet i starten, og en klar avtale om hvordan fravær meldes.",
            education: "Helse- og oppvekstfag på videregående, ikke fullført.",
            workExperience: "Assistent i SFO i et halvt år."
        ),
        DemoProfile(
            groups: high,
            wishes: "Vil lage mat og jobbe på kjøkken, helst med faste arbeidstider på dagtid.",
            wishedWork: "kjøkken, kantine",
            strengths: "Arbeidsvillig og kreativ, god på hygiene og orden.",
            challenges: "Har hatt rusproblemer, men har vært rusfri i over et år og vil holde det slik.",
            supportNeeds: "Struktur i hverdagen og en arbeidsplass som kjenner til situasjonen.",
            education: "Påbegynt restaurant- og matfag.",
            workExperience: "Oppvasker og kjøkkenhjelp i perioder."
        ),
        DemoProfile(
            groups: high,
            wishes: "Interessert i bil og motor. Vil gjerne prøve seg på et verksted eller et dekkhotell.",
            wishedWork: "bilverksted, dekkhotell",
            strengths: "Flinke hender, løser problemer på en praktisk måte.",
            challenges: "Lese- og skrivevansker gjør skjemaer og skriftlige instrukser vanskelige.",
            supportNeeds: "Muntlig opplæring, og at oppgavene vises i praksis.",
            education: "Grunnskole.",
            workExperience: "Har hjulpet til på gård og reparert mopeder og biler på fritiden."
        ),
        DemoProfile(
            groups: high,
            wishes: "Vil tilbake i jobb etter lang sykmelding, men ikke i tungt fysisk arbeid.",
            wishedWork: "resepsjon, kontor, kundeservice",
            strengths: "Lang arbeidserfaring, ansvarsbevisst og strukturert.",
            challenges: "Ryggplager gjør at tunge løft og mye stående arbeid ikke går.",
            supportNeeds: "Tilrettelagt arbeidsplass med mulighet til å veksle mellom å sitte og stå.",
            education: "Fagbrev i helsearbeiderfaget.",
            workExperience: "Tolv år som helsefagarbeider på sykehjem."
        ),
        DemoProfile(
            groups: high,
            wishes: "Vil være ute, gjerne med planter eller dyr.",
            wishedWork: "gartneri, park og grønt, gårdsarbeid",
            strengths: "Utholdende og rolig, trives med å jobbe selvstendig.",
            challenges: "Uforutsette endringer og mye prat kan bli slitsomt.",
            supportNeeds: "En forutsigbar arbeidsdag, skriftlig dagsplan og én fast person å spørre.",
            education: "Naturbruk på videregående.",
            workExperience: "Praksis på et gartneri gjennom skolen."
        ),
        DemoProfile(
            groups: high,
            wishes: "God med data og vil gjerne jobbe med brukerstøtte eller noe lignende.",
            wishedWork: "IT-brukerstøtte, kontor",
            strengths: "Teknisk flink og lærer nye systemer raskt.",
            challenges: "Sliter med å komme i gang om morgenen og med å holde fokus lenge.",
            supportNeeds: "Korte, konkrete oppgaver og hjelp til å lage faste rutiner.",
            education: "Studiespesialisering, ett år på universitetet.",
            workExperience: "Ingen ordinær jobb ennå; har hjulpet til i familiebedriften."
        ),
        DemoProfile(
            groups: high,
            wishes: "Vil ha en fast jobb med faste timer, gjerne renhold eller kantine.",
            wishedWork: "renhold, kantine",
            strengths: "Grundig og pålitelig, liker å gjøre ting ordentlig.",
            challenges: "Vanskelig økonomi og usikker bosituasjon tar mye energi.",
            supportNeeds: "Hjelp til å få orden på økonomien parallelt med oppstart i jobb.",
            education: "Grunnskole.",
            workExperience: "Renholder gjennom vikarbyrå i to år."
        ),
        DemoProfile(
            groups: high,
            wishes: "Vil gjøre noe meningsfullt for andre, for eksempel på sykehjem eller i hjemmetjenesten.",
            wishedWork: "helse og omsorg, sykehjem",
            strengths: "Varm, tålmodig og god til å lytte.",
            challenges: "Usikker på seg selv etter mange avslag på søknader.",
            supportNeeds: "Arbeidstrening med mentor før ansettelse, og hjelp til å se egen fremgang.",
            education: "Helse- og oppvekstfag på videregående.",
            workExperience: "Frivillig på eldresenter, sommervikar på sykehjem to år."
        ),
        DemoProfile(
            groups: [.varigTilpasset],
            wishes: "Vil ha noe å gå til hver dag og kolleger å prate med.",
            wishedWork: "kantine, vaskeri, enkel montering",
            strengths: "Positiv og sosial, stolt av arbeidet sitt.",
            challenges: "Trenger god tid til å lære nye oppgaver.",
            supportNeeds: "Varig tilrettelagt arbeid med fast mentor og tydelige rutiner.",
            education: "Videregående med tilpasset opplæring.",
            workExperience: "Fem år i en bedrift for varig tilrettelagt arbeid."
        ),
        DemoProfile(
            groups: high,
            wishes: "Liker sport og friluftsliv og vil gjerne jobbe i en sportsbutikk.",
            wishedWork: "butikk, sport",
            strengths: "Kan mye om utstyr, sosial og god med kunder.",
            challenges: "Har falt ut av to tiltak og har liten tro på at det skal gå denne gangen.",
            supportNeeds: "Tett oppfølging de første ukene og rask kontakt hvis noe skjer.",
            education: "Påbegynt idrettsfag på videregående.",
            workExperience: "Deltid i sportsbutikk i skoletiden."
        ),
        DemoProfile(
            groups: high,
            wishes: "Ønsker å ta førerkort og jobbe med transport eller varelevering.",
            wishedWork: "varelevering, sjåfør",
            strengths: "Lokalkjent, punktlig og selvstendig.",
            challenges: "Mangler førerkort, og gjeld gjør det vanskelig å betale for det.",
            supportNeeds: "En plan for førerkort og kontakt med økonomirådgiver.",
            education: "Grunnskole, noen fag fra voksenopplæringen.",
            workExperience: "Hjelpearbeider i flyttebyrå, sesongarbeid på fiskemottak."
        ),
        DemoProfile(
            groups: high,
            wishes: "Vil jobbe med fisk, som resten av familien.",
            wishedWork: "fiskeindustri, fiskemottak",
            strengths: "Vant til skiftarbeid og til å ta i et tak.",
            challenges: "Lite struktur i hverdagen etter flere år uten jobb.",
            supportNeeds: "Hjelp til å få døgnrytmen på plass før oppstart.",
            education: "Grunnskole.",
            workExperience: "Sesongarbeid på fiskebruk."
        ),
        DemoProfile(
            groups: low,
            wishes: "Mistet jobben ved nedbemanning og vil tilbake til noe lignende så fort som mulig.",
            wishedWork: "lager, innkjøp, logistikk",
            strengths: "Lang erfaring, truckførerbevis og gode referanser.",
            challenges: "Lite vant til å søke jobb på nett.",
            supportNeeds: "Hjelp med CV og med å bruke nettverket sitt.",
            education: "Fagbrev i logistikkfaget.",
            workExperience: "Femten år som lagermedarbeider og teamleder i en grossistbedrift."
        ),
        DemoProfile(
            groups: low,
            wishes: "Vil jobbe med regnskap eller kontorarbeid, gjerne i en mindre bedrift.",
            wishedWork: "kontor, regnskap",
            strengths: "Nøyaktig og strukturert, god i Excel.",
            challenges: "Får få svar på søknader og lurer på om alderen spiller inn.",
            supportNeeds: "Jobbsøkerkurs og hjelp til å bli kjent med arbeidsgivere.",
            education: "Bachelor i økonomi og administrasjon.",
            workExperience: "Regnskapsmedarbeider i åtte år."
        ),
        DemoProfile(
            groups: low,
            wishes: "Vil bli tømrer og ønsker seg helst en læreplass.",
            wishedWork: "bygg, tømrer",
            strengths: "Praktisk, ivrig og tar ansvar.",
            challenges: "Fikk ikke læreplass etter Vg2 og har gått uten jobb siden.",
            supportNeeds: "Kontakt med bedrifter som tar inn lærlinger.",
            education: "Vg2 bygg- og anleggsteknikk.",
            workExperience: "Sommerjobb som hjelpearbeider på byggeplass."
        ),
        DemoProfile(
            groups: low,
            wishes: "Har jobbet med salg og vil fortsette med salg eller kundeservice.",
            wishedWork: "salg, kundeservice",
            strengths: "Utadvendt og flink til å snakke med folk.",
            challenges: "Mange korte ansettelser; trenger noe mer stabilt.",
            supportNeeds: "Hjelp til å finne arbeidsgivere som tilbyr faste stillinger.",
            education: "Salg og service på videregående.",
            workExperience: "Telefonsalg, butikk og kundesenter."
        ),
        DemoProfile(
            groups: low,
            wishes: "Vil tilbake til reiselivet, helst på hotell.",
            wishedWork: "hotell, resepsjon, servering",
            strengths: "Serviceinnstilt og snakker flere språk.",
            challenges: "Bransjen er preget av sesongarbeid og få faste stillinger.",
            supportNeeds: "Hjelp til å vurdere kurs eller omskolering.",
            education: "Reiselivsfag på videregående.",
            workExperience: "Resepsjonist og servitør i flere sesonger."
        ),
        DemoProfile(
            groups: low,
            wishes: "Ønsker fast jobb som sjåfør.",
            wishedWork: "transport, sjåfør",
            strengths: "Førerkort for lastebil med henger, opptatt av sikkerhet.",
            challenges: "Yrkessjåførkompetansen må fornyes.",
            supportNeeds: "Etterutdanning og kontakt med transportbedrifter.",
            education: "Grunnskole og yrkessjåførutdanning.",
            workExperience: "Lastebilsjåfør i ti år."
        ),
        DemoProfile(
            groups: low,
            wishes: "Har nettopp fullført videregående og er usikker på hva som passer. Vil prøve ulike yrker.",
            wishedWork: "usikker, gjerne praktisk arbeid",
            strengths: "Nysgjerrig og lærer raskt.",
            challenges: "Lite arbeidserfaring og usikker på egne interesser.",
            supportNeeds: "Jobbsmak på flere arbeidsplasser for å finne en retning.",
            education: "Studiespesialisering på videregående.",
            workExperience: "Helgejobb på kafé."
        ),
        DemoProfile(
            groups: allGroups, newcomer: true,
            wishes: "Vil bruke utdanningen sin, men er åpen for andre jobber mens norsken blir bedre.",
            wishedWork: "regnskap, kontor, butikk",
            strengths: "Høy utdanning, motivert og lærer fort.",
            challenges: "Utdanningen er ikke godkjent i Norge ennå, og norskopplæringen pågår.",
            supportNeeds: "Språkpraksis på en arbeidsplass og hjelp til å få utdanningen godkjent.",
            education: "Bachelor i økonomi fra hjemlandet.",
            workExperience: "Seks år som regnskapsfører i hjemlandet."
        ),
        DemoProfile(
            groups: allGroups, newcomer: true,
            wishes: "Vil jobbe med barn, slik som i hjemlandet.",
            wishedWork: "barnehage",
            strengths: "Erfaren, varm og en trygg voksen.",
            challenges: "Trenger bedre muntlig norsk for å jobbe med barn.",
            supportNeeds: "Norskopplæring kombinert med praksis, og en mentor som tar seg tid til å snakke.",
            education: "Lærerutdanning fra hjemlandet.",
            workExperience: "Lærer i barneskolen i åtte år."
        ),
        DemoProfile(
            groups: allGroups, newcomer: true,
            wishes: "Ønsker å jobbe som kokk eller kokkehjelp.",
            wishedWork: "kjøkken, restaurant",
            strengths: "Erfaren kokk, rask og effektiv.",
            challenges: "Mangler papirer som viser arbeidserfaringen.",
            supportNeeds: "En praksisplass der kompetansen kan vises, og på sikt hjelp til fagprøve.",
            education: "Ingen formell utdanning.",
            workExperience: "Drev egen restaurant i mange år."
        ),
        DemoProfile(
            groups: allGroups, newcomer: true,
            wishes: "Vil gjerne jobbe med bil eller maskiner.",
            wishedWork: "bilverksted, mekanisk industri",
            strengths: "Erfaren mekaniker som løser tekniske problemer.",
            challenges: "Fagspråket på norsk er fortsatt vanskelig.",
            supportNeeds: "En mentor som forklarer faguttrykk, og kurs i yrkesnorsk.",
            education: "Yrkesskole for mekanikere i hjemlandet.",
            workExperience: "Bilmekaniker i tolv år."
        ),
        DemoProfile(
            groups: allGroups, newcomer: true,
            wishes: "Vil jobbe i helse og omsorg, på sikt som helsefagarbeider.",
            wishedWork: "sykehjem, hjemmetjeneste",
            strengths: "Omsorgsfull, har lang erfaring med stell av familiemedlemmer.",
            challenges: "Lite formell skolegang, og introduksjonsprogrammet er ikke fullført.",
            supportNeeds: "Norskkurs og praksis sammen, og senere helsefagarbeider som praksiskandidat.",
            education: "Seks år grunnskole i hjemlandet.",
            workExperience: "Hjemmeværende med fire barn, frivillig arbeid i nærmiljøet."
        ),
        DemoProfile(
            groups: allGroups, newcomer: true,
            wishes: "Vil ha en jobb der det går an å lære norsk samtidig.",
            wishedWork: "renhold, lager, butikk",
            strengths: "Arbeidsom, punktlig og fleksibel med arbeidstid.",
            challenges: "Få norske kontakter og lite nettverk.",
            supportNeeds: "Kolleger som snakker norsk, og hjelp til å forstå arbeidskontrakten.",
            education: "Videregående fra hjemlandet.",
            workExperience: "Fabrikkarbeider og renholder."
        ),
        DemoProfile(
            groups: allGroups, newcomer: true,
            wishes: "Vil bli elektriker igjen, som i hjemlandet.",
            wishedWork: "elektro, bygg",
            strengths: "Faglig sterk, nøyaktig og sikkerhetsbevisst.",
            challenges: "Trenger norsk godkjenning for å jobbe som elektriker.",
            supportNeeds: "Vurdering av fagbakgrunnen og kontakt med elektrobedrifter.",
            education: "Fagskole i elektro i hjemlandet.",
            workExperience: "Elektriker i ni år."
        ),
        DemoProfile(
            groups: allGroups, newcomer: true,
            wishes: "Ønsker jobb i butikk eller på lager, og vil fortsette på norskkurs om kvelden.",
            wishedWork: "butikk, lager",
            strengths: "Serviceinnstilt, vant med kasse og varebestilling.",
            challenges: "Skriftlig norsk er fortsatt krevende.",
            supportNeeds: "Opplæring med bilder og praktisk demonstrasjon.",
            education: "Videregående fra hjemlandet.",
            workExperience: "Butikkmedarbeider i fem år."
        ),
    ]
}
