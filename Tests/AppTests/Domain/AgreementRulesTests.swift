@testable import App
import Foundation
import Testing

/// The start of `text` (`yyyy-MM-dd`) in Norwegian time.
private func day(_ text: String) -> Date {
    DisplayDate.parseDay(text)!
}

/// The field issues of a failed result; empty when it succeeded.
private func fieldIssues<T>(_ result: Result<T, ProblemError>) -> [ProblemError.FieldIssue] {
    if case let .failure(error) = result { return error.fields }
    return []
}

private func orgnrProblem(_ raw: String) -> OrganisationNumber.Problem? {
    do {
        _ = try OrganisationNumber(raw)
        return nil
    } catch {
        return error
    }
}

/// "Today" in these tests: agreement dates may lie ten years either side of it.
private let today = day("2026-09-21")

private let standardParticipant = AgreementRules.Participant(innsatsgruppe: .standard, birthDate: day("1990-06-15"))

private func checkTerms(_ draft: AgreementRules.Draft, _ type: AgreementType, participant: AgreementRules.Participant = standardParticipant,
                        mentors: Set<UUID> = [], now: Date = today) -> Result<AgreementTerms, ProblemError> {
    AgreementRules.terms(draft, type: type, participant: participant, mentors: mentors, now: now)
}

@Suite("Employer register and agreement rules without HTTP or database")
struct AgreementRulesTests {
    // MARK: Organisation numbers

    @Test("Organisation numbers with a correct mod-11 check digit are accepted", arguments: ["974760673", "923609016"])
    func validOrganisationNumbers(raw: String) throws {
        #expect(try OrganisationNumber(raw).value == raw)
    }

    @Test("Spaces and dots typed in an organisation number are ignored")
    func organisationNumberFormatting() throws {
        #expect(try OrganisationNumber("974 760 673").value == "974760673")
        #expect(try OrganisationNumber(" 974.760.673 ").value == "974760673")
        #expect(try OrganisationNumber("974\u{00A0}760\u{00A0}673").value == "974760673")
    }

    @Test("Every other last digit than the check digit is refused")
    func organisationNumberWrongCheckDigit() {
        for last in 0...9 where last != 3 {
            #expect(orgnrProblem("97476067\(last)") == .checkDigit, "97476067\(last)")
        }
        #expect(orgnrProblem("923609017") == .checkDigit)
        // Swapping two digits changes the weighted sum.
        #expect(orgnrProblem("947760673") == .checkDigit)
    }

    @Test("Wrong length, letters and foreign digits are refused with their own problem")
    func organisationNumberShape() {
        #expect(orgnrProblem("97476067") == .wrongLength)
        #expect(orgnrProblem("9747606730") == .wrongLength)
        #expect(orgnrProblem("") == .wrongLength)
        #expect(orgnrProblem("97476067A") == .notDigits)
        #expect(orgnrProblem("NO974760673") == .notDigits)
        #expect(orgnrProblem("974-760-673") == .notDigits)
        #expect(orgnrProblem("٩٧٤٧٦٠٦٧٣") == .notDigits) // Arabic-Indic digits
        #expect(OrganisationNumber.Problem.checkDigit.messageKey == "orgnr.error.check")
        #expect(OrganisationNumber.Problem.wrongLength.messageKey == "orgnr.error.length")
        #expect(OrganisationNumber.Problem.notDigits.messageKey == "orgnr.error.digits")
    }

    @Test("Eight digits whose check digit would be 10 make no valid number, whatever the ninth")
    func organisationNumberCheckDigitTen() {
        // 9·3 + 9·2 = 45 ≡ 1 (mod 11), so the check digit would be 11 − 1 = 10.
        #expect(OrganisationNumber.checkDigit([9, 9, 0, 0, 0, 0, 0, 0]) == nil)
        for last in 0...9 {
            #expect(orgnrProblem("99000000\(last)") == .checkDigit, "99000000\(last)")
        }
        // A remainder of 0 gives the check digit 0, not 11.
        #expect(OrganisationNumber.checkDigit([0, 0, 0, 0, 0, 0, 0, 0]) == 0)
    }

    @Test("Synthetic organisation numbers always validate and start with 1")
    func syntheticOrganisationNumbers() throws {
        var seen: Set<String> = []
        let seeds = Array(0..<2_000) + [-1, -17, 9_999_999, 10_000_000, Int.max, Int.min + 1]
        for seed in seeds {
            let raw = OrganisationNumber.synthetic(seed)
            #expect(raw.count == 9, "\(seed): \(raw)")
            #expect(raw.hasPrefix("1"), "\(seed): \(raw)")
            #expect(orgnrProblem(raw) == nil, "\(seed): \(raw)")
            seen.insert(raw)
        }
        #expect(OrganisationNumber.synthetic(42) == OrganisationNumber.synthetic(42))
        #expect(seen.count > 1_000, "synthetic numbers should differ between seeds")
    }

    @Test("An organisation number prints in groups of three")
    func organisationNumberFormatted() throws {
        #expect(try OrganisationNumber("974760673").formatted == "974 760 673")
        #expect(try OrganisationNumber("923.609.016").formatted == "923 609 016")
    }

    // MARK: Cooperation status and language requirement

    @Test("Cooperation status moves only along the allowed steps")
    func cooperationSteps() {
        #expect(CooperationStatus.new.allowedNext.contains(.contacted))
        #expect(!CooperationStatus.new.allowedNext.contains(.cooperating))
        #expect(!CooperationStatus.new.allowedNext.contains(.inDialogue))
        for resumed in [CooperationStatus.contacted, .inDialogue, .cooperating] {
            #expect(CooperationStatus.paused.allowedNext.contains(resumed), "pause → \(resumed)")
        }
        #expect(CooperationStatus.ended.allowedNext == [.contacted])
        for status in CooperationStatus.allCases {
            #expect(!status.allowedNext.contains(status), "\(status) must not lead to itself")
            #expect(!status.allowedNext.contains(.new), "nothing leads back to ny")
        }
    }

    @Test("A change of cooperation status is refused when it goes nowhere, skips a step or lacks a reason")
    func statusChangeRefused() {
        var issues = fieldIssues(EmployerRules.statusChange(to: "kontaktet", on: "2026-09-20", reason: "Ringt", current: .contacted, lastChange: nil, now: today))
        #expect(issues.map(\.field) == ["status"])
        #expect(issues.map(\.key) == ["employer.error.status_same"])

        issues = fieldIssues(EmployerRules.statusChange(to: "samarbeider", on: "2026-09-20", reason: "Avtale", current: .new, lastChange: nil, now: today))
        #expect(issues.map(\.field) == ["status"])
        #expect(issues.map(\.key) == ["employer.error.status_step"])

        issues = fieldIssues(EmployerRules.statusChange(to: "kontaktet", on: "2026-09-20", reason: nil, current: .new, lastChange: nil, now: today))
        #expect(issues.map(\.field) == ["reason"])
        #expect(issues.map(\.key) == ["pathway.error.required"])

        issues = fieldIssues(EmployerRules.statusChange(to: "kontaktet", on: "2026-09-20", reason: "   ", current: .new, lastChange: nil, now: today))
        #expect(issues.map(\.field) == ["reason"])

        issues = fieldIssues(EmployerRules.statusChange(to: "ukjent", on: "2026-09-20", reason: "x", current: .new, lastChange: nil, now: today))
        #expect(issues.map(\.key) == ["form.error.choice"])
    }

    @Test("A change of cooperation status is dated no earlier than the last change and no later than today")
    func statusChangeDates() throws {
        let last = day("2026-09-10").addingTimeInterval(15 * 3600) // changed at 15:00 that day
        var issues = fieldIssues(EmployerRules.statusChange(to: "i_dialog", on: "2026-09-09", reason: "Møte", current: .contacted, lastChange: last, now: today))
        #expect(issues.map(\.field) == ["changedOn"])
        #expect(issues.map(\.key) == ["employer.error.status_date"])
        #expect(issues.first?.args == ["10.09.2026"])

        // The same day as the last change is fine, even if that change was later in the day.
        let sameDay = try EmployerRules.statusChange(to: "i_dialog", on: "2026-09-10", reason: "Møte", current: .contacted, lastChange: last, now: today).get()
        #expect(sameDay.on == day("2026-09-10"))
        #expect(sameDay.status == .inDialogue)
        #expect(sameDay.reason == "Møte")

        issues = fieldIssues(EmployerRules.statusChange(to: "i_dialog", on: "2026-09-22", reason: "Møte", current: .contacted, lastChange: nil, now: today))
        #expect(issues.map(\.field) == ["changedOn"])
        #expect(issues.map(\.key) == ["pathway.error.date_future"])

        // Without a date, the change is made today.
        let now = today.addingTimeInterval(10 * 3600)
        let undated = try EmployerRules.statusChange(to: "kontaktet", on: nil, reason: "Første telefon", current: .new, lastChange: nil, now: now).get()
        #expect(undated.on == today)

        // A finished cooperation starts again with a new contact.
        let again = try EmployerRules.statusChange(to: "kontaktet", on: "2026-09-21", reason: "Ny kontakt", current: .ended, lastChange: last, now: today).get()
        #expect(again.status == .contacted)
    }

    @Test("A language requirement is met by the candidate's level or a higher one")
    func languageRequirement() {
        #expect(LanguageRequirement.none.isMet(by: nil))
        #expect(!LanguageRequirement.a1.isMet(by: nil))
        #expect(LanguageRequirement.b1.isMet(by: .b1))
        #expect(LanguageRequirement.b1.isMet(by: .b2))
        #expect(!LanguageRequirement.b1.isMet(by: .a2))
        #expect(!LanguageRequirement.b2.isMet(by: .b1))
        #expect(LanguageRequirement.a1.isMet(by: .a1))
        #expect(!LanguageRequirement.a2.isMet(by: .a1))
        #expect(LanguageRequirement.c1.isMet(by: .c1))
        #expect(!LanguageRequirement.c1.isMet(by: .b2))
        for requirement in LanguageRequirement.allCases {
            #expect(requirement.isMet(by: .morsmal), "\(requirement) by morsmål")
            #expect(requirement.isMet(by: .c2), "\(requirement) by C2")
        }
    }

    // MARK: Employer, contact and job analysis forms

    @Test("The employer form: organisation number, name, industry and owner")
    func employerForm() throws {
        let owner = UUID()
        let valid = try EmployerRules.employer(.init(orgnr: "974 760 673", name: "  Bakeriet AS ", industry: "C", size: "11-20", ownerId: owner.uuidString),
                                               owners: [owner]).get()
        #expect(valid.orgnr == "974760673")
        #expect(valid.name == "Bakeriet AS")
        #expect(valid.industry == .c)
        #expect(valid.size == .upTo20)
        #expect(valid.ownerID == owner)

        let noOrgnr = try EmployerRules.employer(.init(orgnr: "  ", name: "Enkeltpersonforetak"), owners: []).get()
        #expect(noOrgnr.orgnr == nil)

        var issues = fieldIssues(EmployerRules.employer(.init(orgnr: "974760674", name: "Bakeriet AS"), owners: []))
        #expect(issues.map(\.field) == ["orgnr"])
        #expect(issues.map(\.key) == ["orgnr.error.check"])

        issues = fieldIssues(EmployerRules.employer(.init(orgnr: "97476067", name: "Bakeriet AS"), owners: []))
        #expect(issues.map(\.key) == ["orgnr.error.length"])

        issues = fieldIssues(EmployerRules.employer(.init(name: " "), owners: []))
        #expect(issues.map(\.field) == ["name"])
        #expect(issues.map(\.key) == ["pathway.error.required"])

        issues = fieldIssues(EmployerRules.employer(.init(name: "Bakeriet AS", industry: "Z"), owners: []))
        #expect(issues.map(\.field) == ["industry"])
        #expect(issues.map(\.key) == ["form.error.choice"])

        issues = fieldIssues(EmployerRules.employer(.init(name: "Bakeriet AS", size: "1000+"), owners: []))
        #expect(issues.map(\.field) == ["size"])

        issues = fieldIssues(EmployerRules.employer(.init(name: "Bakeriet AS", ownerId: UUID().uuidString), owners: [owner]))
        #expect(issues.map(\.field) == ["ownerId"])
        #expect(issues.map(\.key) == ["employer.error.owner"])

        issues = fieldIssues(EmployerRules.employer(.init(name: "Bakeriet AS", ownerId: "ikke-en-id"), owners: [owner]))
        #expect(issues.map(\.key) == ["form.error.choice"])

        issues = fieldIssues(EmployerRules.employer(.init(name: String(repeating: "x", count: 201)), owners: []))
        #expect(issues.map(\.key) == ["pathway.error.too_long"])

        // All problems are reported together.
        issues = fieldIssues(EmployerRules.employer(.init(orgnr: "974760674", industry: "Z"), owners: []))
        #expect(Set(issues.map(\.field)) == ["orgnr", "name", "industry"])
    }

    @Test("A contact person needs a phone number or an e-mail address")
    func contactReachable() throws {
        var issues = fieldIssues(EmployerRules.contact(name: "Kari Nordmann", role: "Daglig leder", phone: nil, email: "  "))
        #expect(issues.map(\.field) == ["phone"])
        #expect(issues.map(\.key) == ["employer.error.reach"])

        let byPhone = try EmployerRules.contact(name: "Kari Nordmann", role: nil, phone: "+47 912 34 567", email: nil).get()
        #expect(byPhone.phone == "+47 912 34 567")
        #expect(byPhone.email == nil)

        let byEmail = try EmployerRules.contact(name: "Kari Nordmann", role: nil, phone: nil, email: "Kari@Bakeriet.NO").get()
        #expect(byEmail.email == "kari@bakeriet.no")

        // A bad number is reported as such, not as unreachable.
        issues = fieldIssues(EmployerRules.contact(name: "Kari Nordmann", role: nil, phone: "123", email: nil))
        #expect(issues.map(\.key) == ["candidate.error.phone"])
        issues = fieldIssues(EmployerRules.contact(name: "Kari Nordmann", role: nil, phone: nil, email: "kari"))
        #expect(issues.map(\.key) == ["candidate.error.email"])

        issues = fieldIssues(EmployerRules.contact(name: nil, role: nil, phone: "91234567", email: nil))
        #expect(issues.map(\.field) == ["name"])
    }

    @Test("Job analysis hours per week", arguments: [(0, false), (1, true), (60, true), (61, false), (-5, false)])
    func jobAnalysisHours(hours: Int, accepted: Bool) {
        let draft = EmployerRules.JobAnalysisDraft(role: "Lagermedarbeider", tasks: "Plukk og pakking", languageRequirement: "A2", hoursPerWeek: hours)
        let result = EmployerRules.jobAnalysis(draft)
        if accepted {
            #expect(fieldIssues(result).isEmpty)
            #expect((try? result.get())?.hoursPerWeek == hours)
        } else {
            let issues = fieldIssues(result)
            #expect(issues.map(\.field) == ["hoursPerWeek"])
            #expect(issues.map(\.key) == ["employer.error.hours"])
        }
    }

    @Test("A job analysis needs a role, tasks and a language requirement")
    func jobAnalysisRequired() throws {
        let issues = fieldIssues(EmployerRules.jobAnalysis(.init()))
        #expect(issues.map(\.field) == ["role", "tasks", "languageRequirement"])
        let unknown = fieldIssues(EmployerRules.jobAnalysis(.init(role: "Kokk", tasks: "Matlaging", languageRequirement: "B3")))
        #expect(unknown.map(\.key) == ["form.error.choice"])
        let valid = try EmployerRules.jobAnalysis(.init(role: "Kokk", tasks: "Matlaging", languageRequirement: "ingen")).get()
        #expect(valid.languageRequirement == LanguageRequirement.none)
        #expect(valid.hoursPerWeek == nil)
    }

    // MARK: Mentor subsidy

    @Test("Mentor subsidy: 10 hours at 300 kr gives 3 910 kr a month with the standard rates")
    func mentorSubsidyStandard() {
        let subsidy = MentorSubsidy(hundredthHours: 1_000, wageInOre: 30_000, rates: .standard)
        #expect(subsidy.base == Decimal(3_000))
        #expect(subsidy.holidayPay == Decimal(360))
        #expect(subsidy.pension == Decimal(string: "67.2")!)
        #expect(subsidy.employerTax == Decimal(string: "483.2352")!)
        #expect(subsidy.monthly == 3_910)
    }

    @Test("Mentor subsidy: 7,5 hours at 287,50 kr, worked out by hand")
    func mentorSubsidyFractions() {
        // 7.5 × 287.50 = 2 156.25; + 12 % = 258.75 → 2 415; + 2 % = 48.30 → 2 463.30;
        // + 14.1 % = 347.3253 → 2 810.6253 → 2 811 kr.
        let subsidy = MentorSubsidy(hundredthHours: 750, wageInOre: 28_750, rates: .standard)
        #expect(subsidy.base == Decimal(string: "2156.25")!)
        #expect(subsidy.holidayPay == Decimal(string: "258.75")!)
        #expect(subsidy.pension == Decimal(string: "48.3")!)
        #expect(subsidy.employerTax == Decimal(string: "347.3253")!)
        #expect(subsidy.monthly == 2_811)
    }

    @Test("Mentor subsidy over a period: whole months and a share of the last month")
    func mentorSubsidyTotal() {
        let subsidy = MentorSubsidy(hundredthHours: 1_000, wageInOre: 30_000, rates: .standard)
        #expect(subsidy.total(from: day("2026-01-01"), to: day("2026-06-30")) == 23_460)
        // 3 910 × 15/31 = 1 891.94 → 1 892.
        #expect(subsidy.total(from: day("2026-01-01"), to: day("2026-01-15")) == 1_892)
        #expect(subsidy.total(from: day("2026-01-01"), to: day("2026-01-31")) == 3_910)
        // 1 Jan – 14 Feb 2026: one month and 14 of February's 28 days.
        #expect(subsidy.total(from: day("2026-01-01"), to: day("2026-02-14")) == 5_865)
    }

    @Test("The length of a period in months")
    func mentorSubsidyMonths() {
        #expect(MentorSubsidy.months(from: day("2026-01-01"), to: day("2026-06-30")) == Decimal(6))
        #expect(MentorSubsidy.months(from: day("2026-01-01"), to: day("2026-12-31")) == Decimal(12))
        #expect(MentorSubsidy.months(from: day("2026-01-15"), to: day("2026-02-14")) == Decimal(1))
        #expect(MentorSubsidy.months(from: day("2026-01-01"), to: day("2026-01-15")) == Decimal(15) / Decimal(31))
        #expect(MentorSubsidy.months(from: day("2026-01-01"), to: day("2026-02-14")) == Decimal(string: "1.5")!)
        #expect(MentorSubsidy.months(from: day("2026-03-01"), to: day("2026-03-01")) == Decimal(1) / Decimal(31))
        // Across the change to summer time (29 March 2026) a whole month is still a whole month.
        #expect(MentorSubsidy.months(from: day("2026-03-01"), to: day("2026-03-31")) == Decimal(1))
        #expect(MentorSubsidy.months(from: day("2026-02-01"), to: day("2026-01-31")) == Decimal(0))
    }

    @Test("Other rates give another subsidy")
    func mentorSubsidyCustomRates() {
        let none = SubsidyRates(holidayPay: 0, pension: 0, employerTax: 0)
        #expect(MentorSubsidy(hundredthHours: 1_000, wageInOre: 30_000, rates: none).monthly == 3_000)
        let holidayOnly = SubsidyRates(holidayPay: Decimal(string: "0.12")!, pension: 0, employerTax: 0)
        #expect(MentorSubsidy(hundredthHours: 1_000, wageInOre: 30_000, rates: holidayOnly).monthly == 3_360)
        let zone5 = SubsidyRates(holidayPay: Decimal(string: "0.12")!, pension: Decimal(string: "0.02")!, employerTax: 0)
        #expect(MentorSubsidy(hundredthHours: 1_000, wageInOre: 30_000, rates: zone5).monthly == 3_427)
        #expect(MentorSubsidy(hundredthHours: 1_000, wageInOre: 30_000, rates: zone5) != MentorSubsidy(hundredthHours: 1_000, wageInOre: 30_000, rates: .standard))
    }

    // MARK: Duration limits

    struct DurationCase: Sendable, CustomTestStringConvertible {
        var type: AgreementType
        var group: Innsatsgruppe
        var start: String
        var lastAllowed: String
        var firstRefused: String
        var limit: AgreementDuration

        var testDescription: String { "\(type.rawValue), \(group.rawValue): \(start) → \(lastAllowed)" }
    }

    static let durationCases: [DurationCase] = [
        DurationCase(type: .jobTaste, group: .standard, start: "2026-03-02", lastAllowed: "2026-03-08", firstRefused: "2026-03-09", limit: .days(7)),
        DurationCase(type: .workTraining, group: .standard, start: "2026-01-15", lastAllowed: "2027-07-14", firstRefused: "2027-07-15", limit: .months(18)),
        DurationCase(type: .workTraining, group: .varigTilpasset, start: "2026-01-15", lastAllowed: "2027-07-14", firstRefused: "2027-07-15", limit: .months(18)),
        DurationCase(type: .mentor, group: .standard, start: "2026-01-01", lastAllowed: "2026-06-30", firstRefused: "2026-07-01", limit: .months(6)),
        DurationCase(type: .mentor, group: .situasjonsbestemt, start: "2026-01-01", lastAllowed: "2026-06-30", firstRefused: "2026-07-01", limit: .months(6)),
        DurationCase(type: .mentor, group: .spesieltTilpasset, start: "2026-01-01", lastAllowed: "2028-12-31", firstRefused: "2029-01-01", limit: .months(36)),
        DurationCase(type: .mentor, group: .varigTilpasset, start: "2026-01-01", lastAllowed: "2028-12-31", firstRefused: "2029-01-01", limit: .months(36)),
        DurationCase(type: .temporaryWageSubsidy, group: .standard, start: "2026-01-01", lastAllowed: "2026-12-31", firstRefused: "2027-01-01", limit: .months(12)),
        DurationCase(type: .temporaryWageSubsidy, group: .situasjonsbestemt, start: "2026-01-01", lastAllowed: "2026-12-31", firstRefused: "2027-01-01", limit: .months(12)),
        DurationCase(type: .temporaryWageSubsidy, group: .spesieltTilpasset, start: "2026-01-01", lastAllowed: "2027-12-31", firstRefused: "2028-01-01", limit: .months(24)),
        DurationCase(type: .temporaryWageSubsidy, group: .varigTilpasset, start: "2026-01-01", lastAllowed: "2027-12-31", firstRefused: "2028-01-01", limit: .months(24)),
        // Over the change to summer time.
        DurationCase(type: .jobTaste, group: .standard, start: "2026-03-27", lastAllowed: "2026-04-02", firstRefused: "2026-04-03", limit: .days(7)),
    ]

    @Test("Each type's longest period is allowed to the last day and refused the day after", arguments: AgreementRulesTests.durationCases)
    func durationLimit(_ c: DurationCase) throws {
        let participant = AgreementRules.Participant(innsatsgruppe: c.group, birthDate: day("1990-06-15"))
        #expect(c.type.maximumDuration(for: c.group) == c.limit)

        let ok = try checkTerms(.init(startDate: c.start, endDate: c.lastAllowed), c.type, participant: participant).get()
        #expect(ok.startDate == day(c.start))
        #expect(ok.endDate == day(c.lastAllowed))

        // The message names the limit in its own unit, then the last allowed day.
        let (key, count): (String, Int) = switch c.limit {
        case let .days(n): ("agreement.error.too_long_days", n)
        case let .months(n): ("agreement.error.too_long_months", n)
        }
        let issues = fieldIssues(checkTerms(.init(startDate: c.start, endDate: c.firstRefused), c.type, participant: participant))
        #expect(issues.map(\.field) == ["endDate"])
        #expect(issues.map(\.key) == [key])
        #expect(issues.first?.args == [String(count), DisplayDate.date(day(c.lastAllowed))])
    }

    @Test("Types without a limit accept long periods")
    func noDurationLimit() {
        for type in [AgreementType.permanentWageSubsidy, .inclusionGrant, .workPractice, .adaptationGuarantee, .employment] {
            #expect(type.maximumDuration(for: .standard) == nil)
            #expect(fieldIssues(checkTerms(.init(startDate: "2026-01-01", endDate: "2031-12-31"), type)).isEmpty, "\(type)")
        }
    }

    @Test("An end before the start is refused; the same day is one day")
    func endBeforeStart() throws {
        let issues = fieldIssues(checkTerms(.init(startDate: "2026-03-02", endDate: "2026-03-01"), .workTraining))
        #expect(issues.map(\.field) == ["endDate"])
        #expect(issues.map(\.key) == ["agreement.error.end_before_start"])
        #expect(fieldIssues(checkTerms(.init(startDate: "2026-03-02", endDate: "2026-03-02"), .jobTaste)).isEmpty)
    }

    @Test("Agreement dates lie within ten years of today")
    func dateWindow() {
        #expect(fieldIssues(checkTerms(.init(startDate: "2016-09-21"), .employment)).isEmpty)
        #expect(fieldIssues(checkTerms(.init(startDate: "2016-09-20"), .employment)).map(\.key) == ["form.error.date_window"])
        #expect(fieldIssues(checkTerms(.init(startDate: "2036-09-21"), .employment)).isEmpty)
        #expect(fieldIssues(checkTerms(.init(startDate: "2036-09-22"), .employment)).map(\.key) == ["form.error.date_window"])
        let invalid = fieldIssues(checkTerms(.init(startDate: "2026-02-30"), .employment))
        #expect(invalid.map(\.field) == ["startDate"])
        #expect(invalid.map(\.key) == ["pathway.error.date_invalid"])
        #expect(fieldIssues(checkTerms(.init(endDate: "21.09.2026"), .employment)).map(\.key) == ["pathway.error.date_invalid"])
    }

    @Test("The participant is at most 72 on the agreement's last day")
    func maximumAge() throws {
        let older = AgreementRules.Participant(innsatsgruppe: .standard, birthDate: day("1954-05-10"))
        _ = try checkTerms(.init(startDate: "2026-12-01", endDate: "2027-05-09"), .workTraining, participant: older).get()
        let issues = fieldIssues(checkTerms(.init(startDate: "2026-12-01", endDate: "2027-05-10"), .workTraining, participant: older))
        #expect(issues.map(\.field) == ["endDate"])
        #expect(issues.map(\.key) == ["agreement.error.age"])
        #expect(issues.first?.args == ["72"])

        // Without an end date the start counts.
        _ = try checkTerms(.init(startDate: "2027-05-09"), .employment, participant: older).get()
        let noEnd = fieldIssues(checkTerms(.init(startDate: "2027-05-10"), .employment, participant: older))
        #expect(noEnd.map(\.field) == ["startDate"])
        #expect(noEnd.map(\.key) == ["agreement.error.age"])

        // An unknown birth date sets no limit.
        let unknown = AgreementRules.Participant(innsatsgruppe: .standard, birthDate: nil)
        #expect(fieldIssues(checkTerms(.init(startDate: "2027-05-10"), .employment, participant: unknown)).isEmpty)
    }

    // MARK: Type-specific fields and numbers

    @Test("Mentor fields belong to mentor agreements and the wage-subsidy percentage to wage subsidies")
    func fieldsForType() throws {
        let mentor = UUID()
        let draft = AgreementRules.Draft(mentorId: mentor.uuidString, mentorHoursPerMonth: "10", hourlyWage: "300")
        let issues = fieldIssues(checkTerms(draft, .workTraining, mentors: [mentor]))
        #expect(issues.map(\.field) == ["mentorId", "mentorHoursPerMonth", "hourlyWage"])
        #expect(Set(issues.map(\.key)) == ["agreement.error.not_for_type"])

        let percent = fieldIssues(checkTerms(.init(wageSubsidyPercent: "40"), .mentor))
        #expect(percent.map(\.field) == ["wageSubsidyPercent"])
        #expect(percent.map(\.key) == ["agreement.error.not_for_type"])

        let terms = try checkTerms(draft, .mentor, mentors: [mentor]).get()
        #expect(terms.mentorID == mentor)
        #expect(terms.hundredthHours == 1_000)
        #expect(terms.wageInOre == 30_000)

        let stranger = fieldIssues(checkTerms(.init(mentorId: UUID().uuidString), .mentor, mentors: [mentor]))
        #expect(stranger.map(\.field) == ["mentorId"])
        #expect(stranger.map(\.key) == ["agreement.error.mentor"])
    }

    @Test("Wage-subsidy percentage within the type's maximum",
          arguments: [(AgreementType.temporaryWageSubsidy, "60", true), (.temporaryWageSubsidy, "61", false), (.temporaryWageSubsidy, "75", false),
                      (.permanentWageSubsidy, "75", true), (.permanentWageSubsidy, "76", false), (.temporaryWageSubsidy, "0", false),
                      (.temporaryWageSubsidy, "1", true), (.permanentWageSubsidy, "abc", false), (.permanentWageSubsidy, "50,5", false)])
    func wageSubsidyPercent(type: AgreementType, raw: String, accepted: Bool) {
        let result = checkTerms(.init(wageSubsidyPercent: raw), type)
        if accepted {
            #expect((try? result.get())?.wageSubsidyPercent == Int(raw))
        } else {
            let issues = fieldIssues(result)
            #expect(issues.map(\.field) == ["wageSubsidyPercent"])
            #expect(issues.map(\.key) == ["agreement.error.percent"])
            #expect(issues.first?.args == [String(type.maximumWageSubsidyPercent)])
        }
    }

    @Test("Hours and wages are read with a comma or a point and at most two decimals",
          arguments: [("7,5", 750), ("7.5", 750), ("10", 1_000), (" 12,05 ", 1_205), ("287,50", 28_750), ("1 000", 100_000), ("0,25", 25)])
    func hundredthsAccepted(raw: String, expected: Int) {
        var issues: [ProblemError.FieldIssue] = []
        #expect(AgreementRules.hundredths(raw, "x", range: 0...1_000_000, &issues) == expected)
        #expect(issues.isEmpty)
    }

    @Test("Malformed numbers are refused", arguments: ["7.555", "abc", "7,", ",5", "7,5,0", "-5", "1e3", "٧,٥", "12345678"])
    func hundredthsRefused(raw: String) {
        var issues: [ProblemError.FieldIssue] = []
        #expect(AgreementRules.hundredths(raw, "x", range: 0...1_000_000_000, &issues) == nil)
        #expect(issues.map(\.key) == ["agreement.error.number"])
    }

    @Test("Mentor hours in the form: 7,5 is 750 hundredths; out of range and malformed input refused")
    func mentorHoursInForm() throws {
        #expect(try checkTerms(.init(mentorHoursPerMonth: "7,5"), .mentor).get().hundredthHours == 750)
        for raw in ["7.555", "abc"] {
            let issues = fieldIssues(checkTerms(.init(mentorHoursPerMonth: raw), .mentor))
            #expect(issues.map(\.field) == ["mentorHoursPerMonth"], "\(raw)")
            #expect(issues.map(\.key) == ["agreement.error.number"], "\(raw)")
        }
        let tooFew = fieldIssues(checkTerms(.init(mentorHoursPerMonth: "0,1"), .mentor))
        #expect(tooFew.map(\.key) == ["agreement.error.range"])
        #expect(tooFew.first?.args == ["0,25", "200"])
        let tooMany = fieldIssues(checkTerms(.init(mentorHoursPerMonth: "200,01"), .mentor))
        #expect(tooMany.map(\.key) == ["agreement.error.range"])
        #expect(try checkTerms(.init(mentorHoursPerMonth: "200"), .mentor).get().hundredthHours == 20_000)
        let wage = fieldIssues(checkTerms(.init(hourlyWage: "0,50"), .mentor))
        #expect(wage.map(\.field) == ["hourlyWage"])
        #expect(wage.first?.args == ["1", "10000"])
    }

    @Test("Hundredths print with a decimal comma and no trailing zeros",
          arguments: [(750, "7,5"), (30_000, "300"), (1_205, "12,05"), (5, "0,05"), (0, "0"), (28_750, "287,5"), (25, "0,25")])
    func decimalText(hundredths: Int, text: String) {
        #expect(AgreementRules.decimalText(hundredths) == text)
    }

    @Test("Goals: each kind once, each with a description")
    func goals() throws {
        let twice = fieldIssues(checkTerms(.init(goals: [.init(kind: "arbeidserfaring", description: "Erfaring"), .init(kind: "arbeidserfaring", description: "Mer")]), .workTraining))
        #expect(twice.map(\.field) == ["goals[1]"])
        #expect(twice.map(\.key) == ["agreement.error.goal_twice"])

        let bare = fieldIssues(checkTerms(.init(goals: [.init(kind: "fagbrev", description: "  ")]), .workTraining))
        #expect(bare.map(\.field) == ["goals[0]"])
        #expect(bare.map(\.key) == ["pathway.error.required"])

        let unknown = fieldIssues(checkTerms(.init(goals: [.init(kind: "rikdom", description: "Bli rik")]), .workTraining))
        #expect(unknown.map(\.key) == ["form.error.choice"])

        let two = try checkTerms(.init(goals: [.init(kind: "fa_jobb_i_bedriften", description: " Fast jobb "), .init(kind: "sprakopplaering", description: "B1")]), .workTraining).get()
        #expect(two.goals == [AgreementGoal(kind: .jobAtEmployer, description: "Fast jobb"), AgreementGoal(kind: .languageTraining, description: "B1")])
    }

    // MARK: Completeness

    private static let mentorID = UUID()

    private static func completeMentorDraft() -> AgreementRules.Draft {
        AgreementRules.Draft(startDate: "2026-10-01", endDate: "2027-03-31", goals: [.init(kind: "arbeidserfaring", description: "Trygg på jobben")],
                             tasks: "Opplæring i kassa", followUp: "Samtale hver fjortende dag", navContact: "Vera Veileder, 55 55 55 55",
                             workplaceContact: "Kari Nordmann, 91 23 45 67", mentorId: mentorID.uuidString, mentorHoursPerMonth: "7,5", hourlyWage: "287,50")
    }

    @Test("An empty mentor agreement lists every field approval needs")
    func missingFieldsEmpty() {
        #expect(AgreementRules.missingFields(AgreementTerms(), type: .mentor) == [
            "startDate", "endDate", "goals", "tasks", "followUp", "navContact", "workplaceContact", "mentorId", "mentorHoursPerMonth", "hourlyWage",
        ])
        #expect(AgreementRules.missingFields(AgreementTerms(), type: .temporaryWageSubsidy) == [
            "startDate", "endDate", "goals", "tasks", "followUp", "navContact", "workplaceContact", "wageSubsidyPercent",
        ])
    }

    @Test("A complete agreement misses nothing; employment needs no end date")
    func missingFieldsComplete() throws {
        let terms = try checkTerms(Self.completeMentorDraft(), .mentor, mentors: [Self.mentorID]).get()
        #expect(AgreementRules.missingFields(terms, type: .mentor).isEmpty)

        var noEnd = terms
        noEnd.endDate = nil
        noEnd.mentorID = nil; noEnd.hundredthHours = nil; noEnd.wageInOre = nil
        #expect(AgreementRules.missingFields(noEnd, type: .employment).isEmpty)
        #expect(AgreementRules.missingFields(noEnd, type: .workTraining) == ["endDate"])
        noEnd.wageSubsidyPercent = 50
        #expect(AgreementRules.missingFields(noEnd, type: .permanentWageSubsidy).isEmpty)
        #expect(AgreementRules.missingFields(noEnd, type: .temporaryWageSubsidy) == ["endDate"])

        // A draft made from stored terms reproduces them.
        #expect(try checkTerms(AgreementRules.Draft(terms), .mentor, mentors: [Self.mentorID]).get() == terms)
    }

    // MARK: Status

    @Test("The status at every stage of an agreement")
    func derivedStatus() {
        let both = Set(ApprovalParty.allCases)
        let now = today.addingTimeInterval(14 * 3600) // 14:00 on the 21st
        func status(annulled: Bool = false, complete: Bool = true, parties: Set<ApprovalParty> = both, start: String?, end: String?) -> AgreementStatus {
            AgreementStatus.derive(annulled: annulled, complete: complete, approvedBy: parties, start: start.map(day), end: end.map(day), now: now)
        }
        #expect(status(annulled: true, start: "2026-09-01", end: "2026-12-31") == .annulled)
        #expect(status(annulled: true, complete: false, parties: [], start: nil, end: nil) == .annulled)
        #expect(status(complete: false, parties: both, start: "2026-09-01", end: "2026-12-31") == .started)
        #expect(status(start: nil, end: nil) == .started)
        #expect(status(parties: [.counselor], start: "2026-10-01", end: "2026-12-31") == .awaitingApproval)
        #expect(status(parties: [.employer], start: "2026-10-01", end: "2026-12-31") == .awaitingApproval)
        #expect(status(parties: [], start: "2026-10-01", end: "2026-12-31") == .awaitingApproval)
        #expect(status(start: "2026-09-22", end: "2026-12-31") == .readyToStart)
        #expect(status(start: "2026-09-21", end: "2026-12-31") == .running)
        #expect(status(start: "2026-09-01", end: "2026-09-20") == .ended)
        #expect(status(start: "2026-09-01", end: "2026-09-21") == .running)
        #expect(status(start: "2026-08-01", end: "2026-08-31") == .ended)
        #expect(status(start: "2026-01-01", end: nil) == .running)
        // Approval still pending once the dates have passed: it cannot have run.
        #expect(status(parties: [.counselor], start: "2026-08-01", end: "2026-08-31") == .awaitingApproval)
    }

    // MARK: Timeline

    private static func approved(_ start: String, _ end: String?, extensions: [String] = []) -> AgreementTimeline.Approved {
        AgreementTimeline.Approved(start: day(start), end: end.map(day), extensions: extensions.map(day))
    }

    private static func event(_ type: PathwayEventType, _ on: String) -> AgreementTimeline.Expected {
        AgreementTimeline.Expected(type: type, day: day(on))
    }

    @Test("A placement writes its start and, once past, its end")
    func timelinePlacement() {
        let past = Self.approved("2026-08-01", "2026-08-31")
        #expect(AgreementTimeline.expected(type: .workTraining, approved: past, annulled: nil, now: today)
            == [Self.event(.placementStart, "2026-08-01"), Self.event(.placementEnded, "2026-08-31")])
        #expect(AgreementTimeline.expected(type: .workTraining, approved: Self.approved("2026-10-01", "2026-12-31"), annulled: nil, now: today).isEmpty)
        let running = Self.approved("2026-09-01", "2026-09-21")
        #expect(AgreementTimeline.expected(type: .workTraining, approved: running, annulled: nil, now: today) == [Self.event(.placementStart, "2026-09-01")])
        #expect(AgreementTimeline.expected(type: .workTraining, approved: Self.approved("2026-09-21", nil), annulled: nil, now: today)
            == [Self.event(.placementStart, "2026-09-21")])
        #expect(AgreementTimeline.expected(type: .temporaryWageSubsidy, approved: past, annulled: nil, now: today)
            == [Self.event(.placementStart, "2026-08-01"), Self.event(.placementEnded, "2026-08-31")])
        #expect(AgreementTimeline.expected(type: .workTraining, approved: nil, annulled: nil, now: today).isEmpty)
    }

    @Test("Annulment: a misregistration leaves nothing; otherwise the placement ends that day, or never began")
    func timelineAnnulled() {
        let past = Self.approved("2026-08-01", "2026-08-31")
        #expect(AgreementTimeline.expected(type: .workTraining, approved: past, annulled: (day("2026-08-15"), .misregistration), now: today).isEmpty)
        #expect(AgreementTimeline.expected(type: .workTraining, approved: past, annulled: (day("2026-08-15"), .ill), now: today)
            == [Self.event(.placementStart, "2026-08-01"), Self.event(.placementEnded, "2026-08-15")])
        #expect(AgreementTimeline.expected(type: .workTraining, approved: past, annulled: (day("2026-07-20"), .ill), now: today).isEmpty)
        // Annulled on the first day: it began and ended that day.
        #expect(AgreementTimeline.expected(type: .workTraining, approved: past, annulled: (day("2026-08-01"), .didNotShowUp), now: today)
            == [Self.event(.placementStart, "2026-08-01"), Self.event(.placementEnded, "2026-08-01")])
        // Annulled after the end: the end stands.
        #expect(AgreementTimeline.expected(type: .workTraining, approved: past, annulled: (day("2026-09-10"), .other), now: today)
            == [Self.event(.placementStart, "2026-08-01"), Self.event(.placementEnded, "2026-08-31")])
    }

    @Test("Each type writes its own events", arguments: [
        (AgreementType.jobTaste, [PathwayEventType.jobTasteStart]), (.employment, [.hired]), (.mentor, []), (.inclusionGrant, []),
        (.adaptationGuarantee, []), (.workPractice, [.placementStart, .placementEnded]), (.permanentWageSubsidy, [.placementStart, .placementEnded]),
    ])
    func timelineByType(type: AgreementType, events: [PathwayEventType]) {
        let past = Self.approved("2026-09-02", "2026-09-08")
        #expect(AgreementTimeline.expected(type: type, approved: past, annulled: nil, now: today).map(\.type) == events)
        if let first = events.first {
            #expect(AgreementTimeline.expected(type: type, approved: past, annulled: nil, now: today).first?.day == day("2026-09-02"))
            #expect(first == type.startEvent)
        }
    }

    @Test("An approved extension writes agreement_extended on its day, once that day has come")
    func timelineExtensions() {
        let extended = Self.approved("2026-08-01", "2026-12-31", extensions: ["2026-08-20", "2026-10-01"])
        #expect(AgreementTimeline.expected(type: .workTraining, approved: extended, annulled: nil, now: today)
            == [Self.event(.placementStart, "2026-08-01"), Self.event(.agreementExtended, "2026-08-20")])
        #expect(AgreementTimeline.expected(type: .mentor, approved: extended, annulled: nil, now: today) == [Self.event(.agreementExtended, "2026-08-20")])
        // An extension agreed before the start counts from the start.
        let early = Self.approved("2026-08-01", "2026-12-31", extensions: ["2026-07-15"])
        #expect(AgreementTimeline.expected(type: .workTraining, approved: early, annulled: nil, now: today)
            == [Self.event(.placementStart, "2026-08-01"), Self.event(.agreementExtended, "2026-08-01")])
        // Extensions after an annulment do not count.
        let afterAnnulment = Self.approved("2026-08-01", "2026-12-31", extensions: ["2026-09-10"])
        #expect(AgreementTimeline.expected(type: .workTraining, approved: afterAnnulment, annulled: (day("2026-09-01"), .startedWork), now: today)
            == [Self.event(.placementStart, "2026-08-01"), Self.event(.placementEnded, "2026-09-01")])
    }

    @Test("The next day the timeline changes")
    func timelineNextChange() {
        #expect(AgreementTimeline.nextChange(approved: Self.approved("2026-10-01", "2026-12-31"), annulled: false, now: today) == day("2026-10-01"))
        #expect(AgreementTimeline.nextChange(approved: Self.approved("2026-09-01", "2026-12-31"), annulled: false, now: today) == day("2027-01-01"))
        #expect(AgreementTimeline.nextChange(approved: Self.approved("2026-09-01", "2026-09-21"), annulled: false, now: today) == day("2026-09-22"))
        #expect(AgreementTimeline.nextChange(approved: Self.approved("2026-08-01", "2026-08-31"), annulled: false, now: today) == nil)
        #expect(AgreementTimeline.nextChange(approved: Self.approved("2026-09-01", nil), annulled: false, now: today) == nil)
        #expect(AgreementTimeline.nextChange(approved: Self.approved("2026-10-01", "2026-12-31"), annulled: true, now: today) == nil)
        #expect(AgreementTimeline.nextChange(approved: Self.approved("2026-09-01", "2026-12-31"), annulled: true, now: today) == nil)
        #expect(AgreementTimeline.nextChange(approved: nil, annulled: false, now: today) == nil)
        // Across the change to winter time (25 October 2026) the next day is still midnight.
        #expect(AgreementTimeline.nextChange(approved: Self.approved("2026-09-01", "2026-10-25"), annulled: false, now: today) == day("2026-10-26"))
    }
}
