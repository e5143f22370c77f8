import Foundation

/// One office's synthetic data: staff, employers and mentors, candidates with their pathways,
/// follow-up and agreements, the derived state of each pathway, and the office's reflection work.
struct ScaleOffice {
    struct Staff {
        var officeID: UUID
        var enhet: String
        var counselors: [UUID]
        var leaderID: UUID
        var marketID: UUID
    }

    let run: ScaleRun
    let staff: Staff
    let index: Int
    var rng: ScaleRandom
    var employers: [UUID] = []
    var mentors: [(id: UUID, employer: UUID)] = []
    var pathwaysForNotes: [(pathway: UUID, counselor: UUID)] = []
    let calendar = RuleDuration.calendar

    init(run: ScaleRun, staff: Staff, index: Int, rng: ScaleRandom) {
        self.run = run
        self.staff = staff
        self.index = index
        self.rng = rng
    }

    var now: Date { run.now }

    /// Noon of the anchor day minus `days`, at a working hour, in whole seconds.
    func day(_ days: Int, hour: Int = 10, minute: Int = 0) -> Date {
        run.anchor.addingTimeInterval(Double(-days * 86_400 + hour * 3_600 + minute * 60))
    }

    // MARK: - Staff

    static func writeStaff(county: Int, sequence: Int, spec: ScaleSpec, run: ScaleRun, rng: inout ScaleRandom, writer: ScaleWriter) async throws -> Staff {
        let enhet = ScaleSpec.enhet(county: county, sequence: sequence)
        let officeID = rng.uuid()
        let created = run.anchor.addingTimeInterval(Double(-spec.years * 365 * 86_400))
        try await writer.add("offices", [officeID, enhet, "NAV Skala \(enhet)", true, 2, 5, 30, false, created, created])
        func user(_ username: String, _ role: Role) async throws -> UUID {
            let id = rng.uuid()
            let name = "\(rng.pick(ScaleNames.first)) \(rng.pick(ScaleNames.last))"
            try await writer.add("users", [id, username, name, SearchText.normalized(username, name), officeID, run.passwordHash, false, true, true, 0,
                                           "9\(rng.int(1_000_000...9_999_999))", created, created])
            try await writer.add("user_roles", [rng.uuid(), id, role.rawValue])
            return id
        }
        var counselors: [UUID] = []
        for n in 1...spec.counselorsPerOffice {
            counselors.append(try await user(String(format: "v%@-%02d", enhet, n), .veileder))
        }
        let leader = try await user("l\(enhet)", .leder)
        let market = try await user("m\(enhet)", .markedskontakt)
        return Staff(officeID: officeID, enhet: enhet, counselors: counselors, leaderID: leader, marketID: market)
    }

    // MARK: - The office

    mutating func generate(writer: ScaleWriter) async throws {
        try await writeEmployers(writer: writer)
        for (position, counselor) in staff.counselors.enumerated() {
            let size = run.spec.portfolioSizes[position % run.spec.portfolioSizes.count]
            let benchmark = position == 0
            // Hybrid candidates with a mentor per counselor (seed 000 L511–520).
            let hybrid = benchmark ? run.spec.benchmarkHybrid : min(size / 4, hybridCount())
            let activeShare = max(0, (run.spec.activeShare * Double(size) - Double(hybrid)) / Double(max(1, size - hybrid)))
            for number in 0..<size {
                var plan = CandidatePlan()
                if benchmark {
                    plan.hybrid = number < run.spec.benchmarkHybrid
                    plan.active = number < run.spec.benchmarkHybrid + run.spec.benchmarkWithAgreement
                    plan.agreement = plan.active
                } else {
                    plan.hybrid = number < hybrid
                    plan.active = plan.hybrid || rng.chance(activeShare)
                    plan.agreement = plan.hybrid
                }
                plan.closed = rng.chance(0.28) ? (rng.chance(0.19) ? 2 : 1) : 0
                try await writeCandidate(plan, counselor: counselor, writer: writer)
                run.progress.advance(units: 1)
            }
        }
        try await writeReflection(writer: writer)
    }

    private mutating func hybridCount() -> Int {
        let bucket = rng.weighted([(1...1, 2.0), (2...3, 5.0), (4...5, 8.0), (6...8, 9.0), (9...10, 1.0), (11...12, 4.0)])
        return rng.int(bucket)
    }

    private mutating func writeEmployers(writer: ScaleWriter) async throws {
        var orgnrs = Set<String>()
        let created = day(run.spec.years * 365)
        for n in 0..<run.spec.employersPerOffice {
            let id = rng.uuid()
            let (industry, word) = rng.pick(ScaleNames.industries)
            let name = "\(word) Skala \(staff.enhet)-\(n + 1)"
            var orgnr = OrganisationNumber.synthetic(index * 10_000 + n * 13)
            var bump = 1
            while !orgnrs.insert(orgnr).inserted {
                orgnr = OrganisationNumber.synthetic(index * 10_000 + n * 13 + bump)
                bump += 1
            }
            // Employer size (seed 000 L493–499): mostly small workplaces.
            let size: EmployerSize = rng.weighted([(.upTo10, 17), (.upTo20, 6), (.upTo50, 6), (.over50, 2)])
            let status: CooperationStatus = rng.weighted([(.cooperating, 5), (.inDialogue, 2), (.contacted, 2), (.new, 1)])
            try await writer.add("employers", [id, staff.officeID, name, SearchText.folded(name), orgnr, true, created, staff.marketID,
                                               industry.rawValue, size.rawValue, "Skalaveien \(n + 1)", rng.pick(ScaleNames.municipalities),
                                               staff.marketID, status.rawValue])
            employers.append(id)
        }
        for n in 0..<run.spec.mentorsPerOffice {
            let id = rng.uuid()
            let employer = employers[n % employers.count]
            let position: MentorPosition = rng.weighted([(.ownerOrManager, 16), (.departmentManager, 7), (.colleague, 8)])
            try await writer.add("mentors", [id, staff.officeID, employer, "\(rng.pick(ScaleNames.first)) \(rng.pick(ScaleNames.last))", position.rawValue,
                                             "4\(rng.int(1_000_000...9_999_999))", nil as String?, true, created, staff.marketID])
            mentors.append((id, employer))
        }
    }

    // MARK: - Candidates

    struct CandidatePlan {
        var active = false
        var hybrid = false
        var agreement = false
        var closed = 0
    }

    private mutating func writeCandidate(_ plan: CandidatePlan, counselor: UUID, writer: ScaleWriter) async throws {
        let candidateID = rng.uuid()
        let first = rng.pick(ScaleNames.first), last = rng.pick(ScaleNames.last)
        let age = rng.weighted([(18...24, 2.0), (25...34, 3.0), (35...49, 3.0), (50...62, 2.0)])
        let birthYear = calendar.component(.year, from: now) - rng.int(age)
        let (birthMonth, birthDay) = (rng.int(1...12), rng.int(1...28))
        var fnr = ""
        var individual = rng.int(0...100_000)
        repeat {
            fnr = NationalID.synthetic(day: birthDay, month: birthMonth, year: birthYear, individualSeed: individual, dNumber: false)
            individual += 1
        } while !run.fnrs.insert(fnr).inserted
        let group: Innsatsgruppe = rng.weighted([(.spesieltTilpasset, 30), (.situasjonsbestemt, 22), (.standard, 10), (.varigTilpasset, 10)])
        let benefit: MainBenefit = rng.weighted([(.aap, 24), (.dagpenger, 15), (.tiltakspenger, 13), (.sosialstonad, 12), (.kvalifiseringsstonad, 3), (.ingen, 3)])
        let profile = rng.pick(DemoProfile.all)

        // The pathways along a time line: closed ones first, then at most one open.
        let horizon = run.spec.years * 365
        var cursor = horizon - rng.int(0...max(1, horizon / 2))
        var pathways: [PathwayPlan] = []
        for _ in 0..<plan.closed {
            let referral = cursor - rng.int(0...120)
            let length = rng.int(60...420)
            let close = referral - length
            guard close > (plan.active ? 60 : 2), referral > close else { break }
            pathways.append(PathwayPlan(referralDaysAgo: referral, closeDaysAgo: close, hybrid: false, agreement: rng.chance(0.5), mentor: false))
            cursor = close - rng.int(10...150)
        }
        if plan.active {
            // Placed (benchmark) pathways started long enough ago for the placement to have begun.
            let earliest = plan.agreement ? 80 : 3
            let referral = max(earliest, min(cursor, rng.int(earliest...420)))
            pathways.append(PathwayPlan(referralDaysAgo: referral, closeDaysAgo: nil, hybrid: plan.hybrid, agreement: plan.agreement || rng.chance(0.35), mentor: plan.hybrid))
        }
        let firstReferral = pathways.map(\.referralDaysAgo).max()
        let createdDaysAgo = (firstReferral ?? rng.int(10...(horizon / 2))) + rng.int(1...60)
        let created = day(createdDaysAgo, hour: 9, minute: rng.int(0...59))

        var result = CandidateResult()
        var generated: [PathwayRows] = []
        for var pathway in pathways {
            pathway.id = rng.uuid()
            let rows = buildPathway(pathway, candidateID: candidateID, counselor: counselor)
            generated.append(rows)
            result.absorb(rows)
        }
        let hybridSince = generated.first(where: { $0.plan.hybrid })?.hybridSince
        try await writer.add("candidates", [
            candidateID, staff.officeID, counselor, fnr, first, last, SearchText.folded(first, last),
            rng.chance(0.93) ? "9\(rng.int(1_000_000...9_999_999))" : nil, nil as String?, rng.pick(ScaleNames.municipalities),
            group.rawValue, benefit.rawValue, profile.wishes, profile.wishedWork, profile.strengths, profile.challenges, profile.supportNeeds,
            profile.education, profile.workExperience, hybridSince != nil, hybridSince, result.lastContact, result.nextMeeting, 0, true, created,
        ])
        try await writer.add("counselor_assignments", [rng.uuid(), candidateID, counselor, created, counselor, created])
        if let hybridSince {
            try await writer.add("hybrid_periods", [rng.uuid(), candidateID, counselor, hybridSince, "Ønsker tett oppfølging på arbeidsplassen"])
        }
        for rows in generated {
            try await rows.write(to: writer, now: now, officeID: staff.officeID, candidateID: candidateID, counselor: counselor, hybridSince: hybridSince)
            pathwaysForNotes.append((rows.plan.id, counselor))
        }
    }

    struct CandidateResult {
        var lastContact: Date?
        var nextMeeting: Date?
        var hasMeetings = false

        mutating func absorb(_ rows: PathwayRows) {
            if let last = rows.contacts.map(\.at).max() { lastContact = max(lastContact ?? last, last) }
            if !rows.meetings.isEmpty { hasMeetings = true }
            for meeting in rows.meetings where !meeting.held && meeting.at > rows.now {
                nextMeeting = min(nextMeeting ?? meeting.at, meeting.at)
            }
        }
    }
}
